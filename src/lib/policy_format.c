/* The policy as "key=value,..." text: for the tool and the tests only (not
 * linked into the preload library, which never prints a policy). */
#include "fmt.h"
#include "policy.h"

size_t as_policy_format(const struct as_policy *p, char *buf, size_t len)
{
    size_t n = 0;
    for (int k = 0; k < AS_KEY_COUNT; k++) {
        char *b = buf + (n < len ? n : len);
        size_t l = n < len ? len - n : 0;
        if (k == AS_KEY_EXCLUDE) {
            for (unsigned g = 0; g < p->nexclude; g++) {
                b = buf + (n < len ? n : len);
                l = n < len ? len - n : 0;
                n += as_fmt(b, l, "%sexclude=%s", n ? "," : "", p->exclude[g]);
            }
            continue;
        }
        if (k == AS_KEY_LOG && p->log == AS_LOG_FILE) {
            n += as_fmt(b, l, "%slog=file:%s", n ? "," : "", p->log_path);
            continue;
        }
        n += as_fmt(b, l, "%s%s=%s", n ? "," : "", as_key_name((enum as_key)k),
                    as_policy_value_name(p, (enum as_key)k));
    }
    return n;
}
