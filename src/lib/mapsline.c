#include "mapsline.h"

static bool hex(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int digits = 0;
    while (s < end) {
        char c = *s;
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            break;
        }
        if (digits >= 16) {
            return false;
        }
        x = x << 4 | d;
        digits++;
        s++;
    }
    if (!digits) {
        return false;
    }
    *p = s;
    *v = x;
    return true;
}

static bool dec(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int digits = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (digits >= 19) {
            return false;
        }
        x = x * 10 + (uint64_t)(*s - '0');
        digits++;
        s++;
    }
    if (!digits) {
        return false;
    }
    *p = s;
    *v = x;
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return true;
    }
    return false;
}

bool as_maps_parse_line(const char *s, size_t len, struct as_maps_line *out)
{
    const char *end = s + len;
    uint64_t maj, min;
    if (!hex(&s, end, &out->start) || !expect(&s, end, '-') || !hex(&s, end, &out->end) ||
        !expect(&s, end, ' ') || end - s < 4) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        out->perms[i] = s[i];
    }
    out->perms[4] = '\0';
    s += 4;
    if (!expect(&s, end, ' ') || !hex(&s, end, &out->offset) || !expect(&s, end, ' ') ||
        !hex(&s, end, &maj) || !expect(&s, end, ':') || !hex(&s, end, &min) ||
        !expect(&s, end, ' ') || !dec(&s, end, &out->inode)) {
        return false;
    }
    if (out->end < out->start || maj > 0xffffffffu || min > 0xffffffffu ||
        (s < end && *s != ' ')) {
        return false;
    }
    out->dev_major = (unsigned)maj;
    out->dev_minor = (unsigned)min;
    while (s < end && *s == ' ') {
        s++;
    }
    out->path = s;
    out->pathlen = (size_t)(end - s);
    return true;
}
