/* libFuzzer target: as_config_parse() on any bytes.
 * Input: the first line is the executable path, the rest the file text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static unsigned messages;

static void on_error(void *ctx, const char *msg)
{
    (void)ctx;
    size_t l = strlen(msg);
    /* every message names the file and is bounded */
    if (strncmp(msg, "fuzz.conf:", 10) != 0 || l > 400) {
        fprintf(stderr, "bad message: %s\n", msg);
        abort();
    }
    messages++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    char exe[512];
    size_t elen = nl ? (size_t)(nl - text) : 0;
    if (elen >= sizeof exe || memchr(text, '\0', elen)) {
        elen = 0;
    }
    memcpy(exe, text, elen);
    exe[elen] = '\0';
    const char *body = nl ? nl + 1 : text;
    size_t blen = size - (size_t)(body - text);

    /* Copy to an exact-size heap block so ASan sees any overread. */
    char *copy = malloc(blen ? blen : 1);
    memcpy(copy, body, blen);

    struct as_config c;
    messages = 0;
    int r = as_config_parse(copy, blen, "fuzz.conf", exe, &c, on_error, NULL);
    if ((r == 0) != (c.errors == 0) || (r != 0 && (c.global.set || c.program.set ||
                                                   messages == 0 ||
                                                   messages > AS_CONFIG_ERRORS_MAX + 1))) {
        abort();
    }
    if (r == 0) {
        struct as_settings layers[2] = {c.global, c.program};
        struct as_policy p;
        char buf[4096];
        as_policy_resolve(&p, layers, 2);
        as_policy_format(&p, buf, sizeof buf);
    }
    /* Without a program every program section is ignored; the verdict on
     * the file can only get better (matching adds checks). */
    struct as_config d;
    int r2 = as_config_parse(copy, blen, "fuzz.conf", NULL, &d, NULL, NULL);
    if (r == 0 && r2 != 0) {
        abort();
    }
    free(copy);
    return 0;
}
