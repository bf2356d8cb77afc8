#include "glob.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum tok_type { T_END, T_LIT, T_ANY, T_STAR, T_DSTAR, T_CLASS, T_BAD };

struct tok {
    enum tok_type type;
    size_t next;        /* position of the following token */
    unsigned char c;    /* T_LIT: the byte */
    const char *why;    /* T_BAD: the problem */
};

/* One class item at pat[*j]: a byte (maybe escaped), maybe "lo-hi".
 * A '-' right before the closing ']' is literal.  Returns false when the
 * pattern ends inside the item. */
static bool class_item(const char *pat, size_t plen, size_t *j, unsigned char *lo,
                       unsigned char *hi)
{
    size_t k = *j;
    if (pat[k] == '\\' && ++k >= plen) {
        return false;
    }
    *lo = *hi = (unsigned char)pat[k++];
    if (k + 1 < plen && pat[k] == '-' && pat[k + 1] != ']') {
        k++;
        if (pat[k] == '\\' && ++k >= plen) {
            return false;
        }
        *hi = (unsigned char)pat[k++];
    }
    *j = k;
    return true;
}

/* Where the class body starts: after '[' and an optional '!' or '^'. */
static size_t class_body(const char *pat, size_t plen, size_t i, bool *neg)
{
    size_t j = i + 1;
    *neg = j < plen && (pat[j] == '!' || pat[j] == '^');
    return *neg ? j + 1 : j;
}

/* Parse a class starting at pat[i] == '['.  Returns the position after
 * its ']' or 0 with *why set. */
static size_t class_end(const char *pat, size_t plen, size_t i, const char **why)
{
    bool neg;
    size_t first = class_body(pat, plen, i, &neg);
    size_t j = first;
    while (j < plen) {
        if (pat[j] == ']' && j > first) {
            return j + 1;
        }
        unsigned char lo, hi;
        if (!class_item(pat, plen, &j, &lo, &hi)) {
            break;
        }
        if (hi < lo) {
            *why = "reversed range in '[...]'";
            return 0;
        }
    }
    *why = "missing ']' in pattern";
    return 0;
}

static struct tok tok_at(const char *pat, size_t plen, size_t i)
{
    struct tok t = {T_END, i, 0, NULL};
    if (i >= plen) {
        return t;
    }
    switch (pat[i]) {
    case '*':
        if (i + 1 < plen && pat[i + 1] == '*') {
            t.type = T_DSTAR;
            t.next = i + 2;
        } else {
            t.type = T_STAR;
            t.next = i + 1;
        }
        return t;
    case '?':
        t.type = T_ANY;
        t.next = i + 1;
        return t;
    case '[': {
        size_t e = class_end(pat, plen, i, &t.why);
        if (e == 0) {
            t.type = T_BAD;
            return t;
        }
        t.type = T_CLASS;
        t.next = e;
        return t;
    }
    case '\\':
        if (i + 1 >= plen) {
            t.type = T_BAD;
            t.why = "trailing '\\' in pattern";
            return t;
        }
        t.type = T_LIT;
        t.c = (unsigned char)pat[i + 1];
        t.next = i + 2;
        return t;
    case '\0':
        t.type = T_BAD;
        t.why = "NUL byte in pattern";
        return t;
    default:
        t.type = T_LIT;
        t.c = (unsigned char)pat[i];
        t.next = i + 1;
        return t;
    }
}

int as_glob_check(const char *pat, size_t plen, const char **why)
{
    const char *dummy;
    if (why == NULL) {
        why = &dummy;
    }
    *why = NULL;
    if (plen > AS_GLOB_PATTERN_MAX) {
        *why = "pattern too long";
        return -ENAMETOOLONG;
    }
    unsigned classes = 0;
    for (size_t i = 0; i < plen;) {
        struct tok t = tok_at(pat, plen, i);
        if (t.type == T_BAD) {
            *why = t.why;
            return -EINVAL;
        }
        if (t.type == T_CLASS && ++classes > AS_GLOB_CLASSES_MAX) {
            *why = "too many '[...]' classes in pattern";
            return -EINVAL;
        }
        i = t.next;
    }
    return 0;
}

bool as_glob_is_literal(const char *pat, size_t plen)
{
    for (size_t i = 0; i < plen;) {
        struct tok t = tok_at(pat, plen, i);
        if (t.type != T_LIT) {
            return false;
        }
        i = t.next;
    }
    return true;
}

size_t as_glob_literal_count(const char *pat, size_t plen)
{
    size_t n = 0;
    for (size_t i = 0; i < plen;) {
        struct tok t = tok_at(pat, plen, i);
        if (t.type == T_BAD) {
            break;
        }
        n += t.type == T_LIT;
        i = t.next;
    }
    return n;
}

/* The matcher is a bit-parallel NFA (Shift-And): state k means "tokens
 * 0..k-1 matched", state n (the number of tokens) accepts.  A pattern of at
 * most AS_GLOB_PATTERN_MAX bytes has at most that many tokens, so the
 * states fit in WORDS 64-bit words.
 *
 * Each byte of the string costs a bounded amount of work whatever the
 * pattern: the literal tokens of the NSLOT most frequent bytes have
 * precomputed masks, any other byte is at most 255 / (NSLOT + 1) tokens
 * long to walk, and the at most AS_GLOB_CLASSES_MAX classes are bitmaps. */
#define WORDS ((AS_GLOB_PATTERN_MAX + 1 + 63) / 64)
#define NSLOT 32
#define NONE 0xff /* no token (token indexes are below AS_GLOB_PATTERN_MAX) */

struct prog {
    unsigned n;                    /* tokens */
    unsigned w;                    /* words in use */
    unsigned ncls;                 /* classes */
    uint64_t anym[WORDS], clsm[WORDS], starm[WORDS], dstarm[WORDS];
    uint64_t eps[WORDS];           /* tokens that may be skipped */
    uint8_t slot[256];             /* byte -> 0 (no literal), 1..NSLOT, or NONE */
    uint8_t head[256];             /* byte -> first literal token of it */
    uint8_t next[WORDS * 64];      /* literal token -> next one of the same byte */
    uint8_t clstok[AS_GLOB_CLASSES_MAX];        /* class -> its token */
    uint64_t clsbits[AS_GLOB_CLASSES_MAX][4];   /* class -> the bytes it takes */
    uint64_t tab[NSLOT][WORDS];    /* slot -> its literal tokens */
};

static inline void set_bit(uint64_t *s, size_t i)
{
    s[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline bool has_bit(const uint64_t *s, size_t i)
{
    return (s[i / 64] >> (i % 64)) & 1;
}

static void class_bits(const char *pat, size_t i, size_t end, uint64_t bm[4])
{
    bool neg;
    size_t j = class_body(pat, end, i, &neg);
    memset(bm, 0, 4 * sizeof bm[0]);
    while (j < end - 1) {
        unsigned char lo = 0, hi = 0;
        if (!class_item(pat, end, &j, &lo, &hi)) {
            break; /* not reached for a checked class */
        }
        for (unsigned c = lo; c <= hi; c++) {
            set_bit(bm, c);
        }
    }
    if (neg) {
        for (int k = 0; k < 4; k++) {
            bm[k] = ~bm[k];
        }
    }
    bm['/' / 64] &= ~((uint64_t)1 << ('/' % 64)); /* never '/' */
}

static bool compile(const char *pat, size_t plen, struct prog *g)
{
    if (as_glob_check(pat, plen, NULL) != 0) {
        return false;
    }
    uint8_t lit[WORDS * 64];
    uint16_t count[256];
    memset(g, 0, offsetof(struct prog, clsbits));
    memset(g->head, NONE, sizeof g->head);
    memset(count, 0, sizeof count);
    unsigned k = 0;
    for (size_t i = 0; i < plen; k++) {
        struct tok t = tok_at(pat, plen, i);
        switch (t.type) {
        case T_LIT:
            lit[k] = t.c;
            count[t.c]++;
            /* the '/' right after a "**" that follows a '/' (or starts the
             * pattern) is optional: "/ ** /" also matches "/" */
            if (t.c == '/' && t.next == i + 1 && k > 0 && has_bit(g->dstarm, k - 1) &&
                (i == 2 || (i > 2 && pat[i - 3] == '/'))) {
                set_bit(g->eps, k);
            }
            break;
        case T_ANY:
            set_bit(g->anym, k);
            break;
        case T_CLASS:
            g->clstok[g->ncls] = (uint8_t)k;
            class_bits(pat, i, t.next, g->clsbits[g->ncls]);
            g->ncls++;
            set_bit(g->clsm, k);
            break;
        case T_STAR:
            set_bit(g->starm, k);
            set_bit(g->eps, k);
            break;
        case T_DSTAR:
            set_bit(g->dstarm, k);
            set_bit(g->eps, k);
            break;
        case T_END:
        case T_BAD:
            return false;
        }
        i = t.next;
    }
    g->n = k;
    g->w = (k + 1 + 63) / 64;
    /* slots for the most frequent bytes, chains for the others */
    for (unsigned sl = 1; sl <= NSLOT; sl++) {
        unsigned best = 256;
        for (unsigned c = 0; c < 256; c++) {
            if (count[c] && g->slot[c] == 0 && (best == 256 || count[c] > count[best])) {
                best = c;
            }
        }
        if (best == 256) {
            break;
        }
        g->slot[best] = (uint8_t)sl;
        memset(g->tab[sl - 1], 0, sizeof g->tab[0]);
    }
    for (unsigned t = k; t-- > 0;) {
        if (has_bit(g->anym, t) || has_bit(g->clsm, t) || has_bit(g->starm, t) ||
            has_bit(g->dstarm, t)) {
            continue;
        }
        unsigned char c = lit[t];
        if (g->slot[c] == 0) {
            g->slot[c] = NONE;
        }
        if (g->slot[c] != NONE) {
            set_bit(g->tab[g->slot[c] - 1], t);
        }
        g->next[t] = g->head[c];
        g->head[c] = (uint8_t)t;
    }
    return true;
}

/* Every state reachable through skippable tokens: a run of skippable
 * tokens entered at k reaches every later token of the run and the one
 * after it.  Adding the entered bits to the run mask carries through each
 * run exactly that far: S | ((M + (S & M)) ^ M). */
static void closure(const struct prog *g, uint64_t *s)
{
    uint64_t carry = 0;
    for (unsigned w = 0; w < g->w; w++) {
        uint64_t m = g->eps[w], a = s[w] & m;
        uint64_t sum = m + a;
        uint64_t c1 = sum < m;
        uint64_t sum2 = sum + carry;
        uint64_t c2 = sum2 < sum;
        s[w] |= sum2 ^ m;
        carry = c1 | c2;
    }
}

bool as_glob_match(const char *pat, size_t plen, const char *str, size_t slen)
{
    struct prog g;
    if (!compile(pat, plen, &g)) {
        return false;
    }
    uint64_t cur[WORDS] = {0}, take[WORDS];
    cur[0] = 1;
    closure(&g, cur);
    for (size_t k = 0; k < slen; k++) {
        unsigned char c = (unsigned char)str[k];
        /* take: the tokens that consume c */
        uint8_t sl = g.slot[c];
        if (sl == 0) {
            memset(take, 0, sizeof take);
        } else if (sl != NONE) {
            memcpy(take, g.tab[sl - 1], sizeof take);
        } else {
            memset(take, 0, sizeof take);
            for (unsigned t = g.head[c]; t != NONE; t = g.next[t]) {
                set_bit(take, t);
            }
        }
        if (c != '/') {
            for (unsigned w = 0; w < g.w; w++) {
                take[w] |= g.anym[w];
            }
            for (unsigned i = 0; i < g.ncls; i++) {
                if (has_bit(g.clsbits[i], c)) {
                    set_bit(take, g.clstok[i]);
                }
            }
        }
        /* advance past consuming tokens; stars stay */
        uint64_t any = 0, in = 0;
        for (unsigned w = 0; w < g.w; w++) {
            uint64_t t = cur[w] & take[w];
            uint64_t stay = cur[w] & (g.dstarm[w] | (c != '/' ? g.starm[w] : 0));
            cur[w] = (t << 1) | in | stay;
            in = t >> 63;
            any |= cur[w];
        }
        if (!any) {
            return false;
        }
        closure(&g, cur);
    }
    return has_bit(cur, g.n);
}
