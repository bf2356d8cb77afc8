/* libFuzzer target for the ELF parsing paths: 'autoseal check' (elf_analyze
 * and elf_verdict on a buffer) and 'autoseal status' (elf_layout_parse).
 * Built with -DAUTOSEAL_FUZZ=ON and clang. */
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
    struct elf_layout l;
    size_t need = 0;
    err[0] = '\0';
    int r = elf_layout_parse((const unsigned char *)buf, size, &l, &need, err, sizeof err);
    if ((r == 1 && need <= size) || (r < 0 && err[0] == '\0') ||
        (r == 0 && (l.nload == 0 || l.max_end < l.min_vaddr))) {
        abort(); /* "need more" must ask for more; failures explain themselves */
    }
    free(buf);
    return 0;
}
