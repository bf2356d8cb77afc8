/* libFuzzer target for the 'autoseal check' parsing path (elf_analyze and
 * elf_verdict on a buffer).  Built with -DAUTOSEAL_FUZZ=ON and clang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* elf_analyze wants a writable buffer of exactly size bytes, so that
     * ASan sees any read past the end. */
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        return 0;
    }
    memcpy(buf, data, size);
    struct elf_info e;
    char err[256];
    if (elf_analyze(buf, size, &e, err, sizeof err) == 0) {
        struct file_facts f = {0};
        struct verdict v;
        elf_verdict(&e, &f, &v);
        f.setuid = f.caps = true;
        elf_verdict(&e, &f, &v);
        elf_info_free(&e);
    } else if (err[0] == '\0') {
        abort(); /* every failure must explain itself */
    }
    free(buf);
    return 0;
}
