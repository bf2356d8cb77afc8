#include "fmt.h"

#include <stdint.h>

struct out {
    char *buf;
    size_t len;
    size_t pos;
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

size_t as_vfmt(char *buf, size_t len, const char *fmt, va_list ap)
{
    struct out o = {buf, len, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
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
            puts_n(&o, va_arg(ap, const char *), prec);
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

size_t as_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = as_vfmt(buf, len, fmt, ap);
    va_end(ap);
    return n;
}
