/* Test program for 'autoseal status': optionally dlopen a plugin and/or map
 * writable+executable memory, print "ready", then wait for stdin to close
 * (at most 60 s). */
#include <dlfcn.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rwx")) {
            void *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) {
                perror("mmap rwx");
                return 1;
            }
            memset(p, 0xc3, 3 * 4096); /* ret */
        } else if (!strcmp(argv[i], "--dlopen") && i + 1 < argc) {
            void *h = dlopen(argv[++i], RTLD_NOW);
            if (!h) {
                fprintf(stderr, "dlopen: %s\n", dlerror());
                return 1;
            }
            int (*fn)(void) = (int (*)(void))dlsym(h, "plugin_answer");
            if (!fn || fn() != 42) {
                fprintf(stderr, "plugin_answer missing or wrong\n");
                return 1;
            }
        }
    }
    printf("ready\n");
    fflush(stdout);
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    poll(&pfd, 1, 60000);
    return 0;
}
