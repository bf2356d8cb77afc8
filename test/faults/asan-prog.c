/* faults-asan [overflow]: an ASan-instrumented program.  Without argument
 * it does heap work and prints a checksum; with "overflow" it reads past a
 * heap block, which ASan must still catch under autoseal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    unsigned long sum = 0;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(round % 97) + 1;
        unsigned char *b = malloc(n);
        if (b == NULL) {
            return 1;
        }
        memset(b, round & 0xff, n);
        for (size_t i = 0; i < n; i++) {
            sum += b[i] * (i + 1);
        }
        free(b);
    }
    printf("checksum %lu\n", sum);
    if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
        volatile char *p = malloc(16);
        if (p == NULL) {
            return 1;
        }
        size_t past = strlen(argv[1]) + 8; /* 16 */
        printf("read past the end: %d\n", p[past]);
        free((void *)p);
    }
    return 0;
}
