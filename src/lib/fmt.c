#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t len;
    size_t pos;
    bool escape; /* as_vfmt_log: %s values cannot forge fields */
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->len) {
        o->buf[o->pos] = c;
    }
    o->pos++;
}

static void puts_n(struct out *o, const char *s, size_t max)
{
    if (s == NULL) {
        s = "(null)";
    }
    for (size_t i = 0; i < max && s[i]; i++) {
        put(o, s[i]);
    }
}

/* Characters a bare value may hold: nothing that separates fields (space,
 * '=', quotes, newlines, control characters) or needs decoding. */
static bool bare_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '/' || c == '-' || c == '+' || c == ':' || c == ',' ||
           c == '@' || c == '~' || c == '%' || c == '*' || c == '?' || c == '[' || c == ']';
}

static void put_hex2(struct out *o, unsigned char c)
{
    static const char hx[] = "0123456789abcdef";
    put(o, '\\');
    put(o, 'x');
    put(o, hx[c >> 4]);
    put(o, hx[c & 15]);
}

/* A value inside double quotes: escape what would end or forge it. */
static void puts_quoted_body(struct out *o, const char *s, size_t max)
{
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            put(o, '\\');
            put(o, (char)c);
        } else if (c == '\n') {
            put(o, '\\');
            put(o, 'n');
        } else if (c == '\t') {
            put(o, '\\');
            put(o, 't');
        } else if (c < 0x20 || c == 0x7f) {
            put_hex2(o, c);
        } else {
            put(o, (char)c);
        }
    }
}

/* %s under as_vfmt_log: bare when every character is harmless, otherwise
 * in double quotes with escapes; already between quotes of the format
 * (msg="%s"): escaped only. */
static void puts_value(struct out *o, const char *s, size_t max, bool in_quotes)
{
    if (s == NULL) {
        s = "(null)";
    }
    if (in_quotes) {
        puts_quoted_body(o, s, max);
        return;
    }
    size_t i = 0;
    while (i < max && s[i] && bare_char((unsigned char)s[i])) {
        i++;
    }
    if (i > 0 && (i == max || s[i] == '\0')) {
        puts_n(o, s, max);
        return;
    }
    put(o, '"');
    puts_quoted_body(o, s, max);
    put(o, '"');
}

static void put_uint(struct out *o, unsigned long long v, unsigned base)
{
    char tmp[24];
    size_t n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v && n < sizeof tmp);
    while (n) {
        put(o, tmp[--n]);
    }
}

static size_t vfmt(char *buf, size_t len, bool escape, const char *fmt, va_list ap)
{
    struct out o = {buf, len, 0, escape};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        bool in_quotes = p > fmt && p[-1] == '"';
        p++;
        size_t prec = (size_t)-1;
        if (p[0] == '.' && p[1] == '*') {
            int pr = va_arg(ap, int);
            prec = pr < 0 ? (size_t)-1 : (size_t)pr;
            p += 2;
        }
        int lng = 0;
        while (*p == 'l') {
            lng++;
            p++;
        }
        if (*p == 'z') {
            lng = 3;
            p++;
        }
        switch (*p) {
        case 's':
            if (o.escape) {
                puts_value(&o, va_arg(ap, const char *), prec, in_quotes);
            } else {
                puts_n(&o, va_arg(ap, const char *), prec);
            }
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd':
        case 'i': {
            long long v = lng == 0 ? va_arg(ap, int)
                        : lng == 1 ? va_arg(ap, long)
                        : lng == 3 ? (long long)va_arg(ap, long)
                                   : va_arg(ap, long long);
            unsigned long long u = (unsigned long long)v;
            if (v < 0) {
                put(&o, '-');
                u = 0ull - u;
            }
            put_uint(&o, u, 10);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long long v = lng == 0 ? va_arg(ap, unsigned)
                                 : lng == 1 ? va_arg(ap, unsigned long)
                                 : lng == 3 ? (unsigned long long)va_arg(ap, size_t)
                                            : va_arg(ap, unsigned long long);
            put_uint(&o, v, *p == 'x' ? 16 : 10);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_uint(&o, (uintptr_t)va_arg(ap, void *), 16);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--;
            break;
        default:
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (len) {
        buf[o.pos < len ? o.pos : len - 1] = '\0';
    }
    return o.pos;
}

size_t as_vfmt(char *buf, size_t len, const char *fmt, va_list ap)
{
    return vfmt(buf, len, false, fmt, ap);
}

size_t as_vfmt_log(char *buf, size_t len, const char *fmt, va_list ap)
{
    return vfmt(buf, len, true, fmt, ap);
}

size_t as_fmt_log(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = vfmt(buf, len, true, fmt, ap);
    va_end(ap);
    return n;
}

size_t as_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = as_vfmt(buf, len, fmt, ap);
    va_end(ap);
    return n;
}
