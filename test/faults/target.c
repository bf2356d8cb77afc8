/* faults-target [-n LINES] [-e sealed|unsealed|any]: print LINES lines of
 * deterministic output (to compare runs with and without autoseal), then
 * check whether its own text is sealed with an mprotect probe (to the
 * protection it already has: EPERM iff sealed).  Exit 0 when the
 * expectation holds, 3 when it does not, 4 when the probe is inconclusive. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long lines = 2000;
    const char *expect = "any";
    int opt;
    while ((opt = getopt(argc, argv, "n:e:")) != -1) {
        switch (opt) {
        case 'n':
            lines = strtol(optarg, NULL, 10);
            break;
        case 'e':
            expect = optarg;
            break;
        default:
            fprintf(stderr, "usage: %s [-n LINES] [-e sealed|unsealed|any]\n", argv[0]);
            return 2;
        }
    }
    uint32_t h = 2166136261u;
    for (long i = 0; i < lines; i++) {
        h = (h ^ (uint32_t)i) * 16777619u;
        printf("line %ld %08x\n", i, h);
    }
    if (fflush(stdout) != 0) {
        return 5;
    }
    uintptr_t page = (uintptr_t)&main & ~(uintptr_t)4095;
    long r = syscall(SYS_mprotect, page, 4096ul, PROT_READ | PROT_EXEC);
    if (r != 0 && errno != EPERM) {
        fprintf(stderr, "faults-target: probe: %s\n", strerror(errno));
        return 4;
    }
    int sealed = r != 0;
    if ((strcmp(expect, "sealed") == 0 && !sealed) ||
        (strcmp(expect, "unsealed") == 0 && sealed)) {
        fprintf(stderr, "faults-target: expected %s text, the mprotect probe says %s\n", expect,
                sealed ? "sealed" : "unsealed");
        return 3;
    }
    return 0;
}
