/* libFuzzer target: the glob matcher against a simple memoised reference.
 * Input: PATTERN '\0' STRING. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

#define RMAX AS_GLOB_PATTERN_MAX

static const char *P, *S;
static size_t PL, SL;
static uint8_t memo[RMAX + 3][RMAX + 1]; /* 0 unknown, 1 no, 2 yes */

/* Reference class test at P[pi] == '['; *end gets the position after ']'. */
static bool ref_class(size_t pi, unsigned char c, size_t *end)
{
    size_t j = pi + 1;
    bool neg = false, hit = false;
    if (j < PL && (P[j] == '!' || P[j] == '^')) {
        neg = true;
        j++;
    }
    size_t first = j;
    for (;;) {
        if (P[j] == ']' && j > first) {
            break;
        }
        unsigned char lo, hi;
        if (P[j] == '\\') {
            j++;
        }
        lo = hi = (unsigned char)P[j++];
        if (j + 1 < PL && P[j] == '-' && P[j + 1] != ']') {
            j++;
            if (P[j] == '\\') {
                j++;
            }
            hi = (unsigned char)P[j++];
        }
        hit |= c >= lo && c <= hi;
    }
    *end = j + 1;
    return c != '/' && hit != neg;
}

static bool ref(size_t pi, size_t si)
{
    if (memo[pi][si]) {
        return memo[pi][si] == 2;
    }
    bool r;
    if (pi == PL) {
        r = si == SL;
    } else if (P[pi] == '*' && pi + 1 < PL && P[pi + 1] == '*') {
        r = ref(pi + 2, si) || (si < SL && ref(pi, si + 1)) ||
            ((pi == 0 || P[pi - 1] == '/') && pi + 2 < PL && P[pi + 2] == '/' && ref(pi + 3, si));
    } else if (P[pi] == '*') {
        r = ref(pi + 1, si) || (si < SL && S[si] != '/' && ref(pi, si + 1));
    } else if (P[pi] == '?') {
        r = si < SL && S[si] != '/' && ref(pi + 1, si + 1);
    } else if (P[pi] == '[') {
        size_t end;
        r = si < SL && ref_class(pi, (unsigned char)S[si], &end) && ref(end, si + 1);
    } else if (P[pi] == '\\') {
        r = si < SL && S[si] == P[pi + 1] && ref(pi + 2, si + 1);
    } else {
        r = si < SL && S[si] == P[pi] && ref(pi + 1, si + 1);
    }
    memo[pi][si] = r ? 2 : 1;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *z = memchr(in, '\0', size);
    if (z == NULL) {
        return 0;
    }
    size_t plen = (size_t)(z - in);
    char *pat = malloc(plen ? plen : 1), *str;
    size_t slen = size - plen - 1;
    str = malloc(slen ? slen : 1);
    memcpy(pat, in, plen);
    memcpy(str, z + 1, slen);

    int ok = as_glob_check(pat, plen, NULL);
    bool m = as_glob_match(pat, plen, str, slen);
    (void)as_glob_is_literal(pat, plen);
    size_t lits = as_glob_literal_count(pat, plen);
    if (lits > plen) {
        abort();
    }
    if (ok != 0 && m) {
        abort(); /* an invalid pattern matches nothing */
    }
    if (ok == 0 && plen <= RMAX && slen <= RMAX) {
        P = pat;
        S = str;
        PL = plen;
        SL = slen;
        memset(memo, 0, (plen + 3) * sizeof memo[0]);
        bool want = ref(0, 0);
        if (want != m) {
            fprintf(stderr, "glob mismatch: pattern '%.*s' string '%.*s': got %d want %d\n",
                    (int)plen, pat, (int)slen, str, m, want);
            abort();
        }
        if (as_glob_is_literal(pat, plen) && m && lits != slen) {
            abort(); /* a literal pattern matches exactly its literal bytes */
        }
    }
    free(pat);
    free(str);
    return 0;
}
