#include "glob.h"

#include <errno.h>
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

/* Does byte c match the (valid) class pat[i..end)? */
static bool class_match(const char *pat, size_t i, size_t end, unsigned char c)
{
    bool neg;
    size_t j = class_body(pat, end, i, &neg);
    size_t last = end - 1; /* the closing ']' */
    bool hit = false;
    while (j < last) {
        unsigned char lo = 0, hi = 0;
        if (!class_item(pat, last + 1, &j, &lo, &hi)) {
            break; /* not reached for a checked class */
        }
        if (c >= lo && c <= hi) {
            hit = true;
        }
    }
    return hit != neg;
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
    for (size_t i = 0; i < plen;) {
        struct tok t = tok_at(pat, plen, i);
        if (t.type == T_BAD) {
            *why = t.why;
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

/* States: one bit per pattern position (a token start) plus the end. */
#define WORDS ((AS_GLOB_PATTERN_MAX + 1 + 63) / 64)

static inline void set_bit(uint64_t *s, size_t i)
{
    s[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline bool has_bit(const uint64_t *s, size_t i)
{
    return (s[i / 64] >> (i % 64)) & 1;
}

/* Add the positions reachable without consuming a byte.  Every such edge
 * goes forward, so one increasing sweep computes the closure. */
static void closure(const char *pat, size_t plen, uint64_t *s)
{
    for (size_t i = 0; i < plen; i++) {
        if (!has_bit(s, i)) {
            continue;
        }
        struct tok t = tok_at(pat, plen, i);
        if (t.type == T_STAR || t.type == T_DSTAR) {
            set_bit(s, t.next);
        }
        /* "/ ** /" (and a leading "** /") may also match one '/': skip
         * the slash after the '**'. */
        if (t.type == T_DSTAR && (i == 0 || pat[i - 1] == '/') && t.next < plen &&
            pat[t.next] == '/') {
            set_bit(s, t.next + 1);
        }
    }
}

bool as_glob_match(const char *pat, size_t plen, const char *str, size_t slen)
{
    if (as_glob_check(pat, plen, NULL) != 0) {
        return false;
    }
    uint64_t cur[WORDS], nxt[WORDS];
    size_t words = (plen + 1 + 63) / 64;
    memset(cur, 0, words * sizeof cur[0]);
    set_bit(cur, 0);
    closure(pat, plen, cur);
    for (size_t k = 0; k < slen; k++) {
        unsigned char c = (unsigned char)str[k];
        bool any = false;
        memset(nxt, 0, words * sizeof nxt[0]);
        for (size_t w = 0; w < words; w++) {
            uint64_t bits = cur[w];
            while (bits) {
                size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                struct tok t = tok_at(pat, plen, i);
                switch (t.type) {
                case T_LIT:
                    if (c == t.c) {
                        set_bit(nxt, t.next);
                        any = true;
                    }
                    break;
                case T_ANY:
                    if (c != '/') {
                        set_bit(nxt, t.next);
                        any = true;
                    }
                    break;
                case T_CLASS:
                    if (c != '/' && class_match(pat, i, t.next, c)) {
                        set_bit(nxt, t.next);
                        any = true;
                    }
                    break;
                case T_STAR:
                    if (c != '/') {
                        set_bit(nxt, i);
                        any = true;
                    }
                    break;
                case T_DSTAR:
                    set_bit(nxt, i);
                    any = true;
                    break;
                case T_END:
                case T_BAD:
                    break;
                }
            }
        }
        if (!any) {
            return false;
        }
        closure(pat, plen, nxt);
        memcpy(cur, nxt, words * sizeof cur[0]);
    }
    return has_bit(cur, plen);
}
