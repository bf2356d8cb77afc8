/* Test program for 'autoseal status': optionally dlopen a plugin and/or map
 * writable+executable memory, print "ready", then wait for stdin to close
 * (at most 60 s).  With --adjacent before --dlopen PLUGIN, it also maps two
 * anonymous rw pages right after the plugin's last segment end and prints
 * "ready LO HI" (the plugin's image extent, hex) instead.  To have that
 * page free, it first makes a hole of exactly the plugin's image size below
 * a two-page placeholder and fills the higher holes the plugin would fit
 * in, so that the loader (top-down) puts the plugin there; it removes the
 * placeholder and the fillers after the dlopen. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

struct extent {
    const char *name;
    uintptr_t lo, hi;
};

static int find_extent(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct extent *e = data;
    if (info->dlpi_name == NULL || strcmp(info->dlpi_name, e->name) != 0) {
        return 0;
    }
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) {
            continue;
        }
        uintptr_t s = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
        uintptr_t t = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
        lo = s < lo ? s : lo;
        hi = t > hi ? t : hi;
    }
    e->lo = lo;
    e->hi = hi;
    return 1;
}

/* Size of the plugin's image (PT_LOAD extent, page-rounded), from its file. */
static size_t image_size(const char *path, size_t page)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ElfW(Ehdr) eh;
    size_t lo = SIZE_MAX, hi = 0;
    if (pread(fd, &eh, sizeof eh, 0) == (ssize_t)sizeof eh) {
        for (unsigned i = 0; i < eh.e_phnum; i++) {
            ElfW(Phdr) ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) != (ssize_t)sizeof ph) {
                break;
            }
            if (ph.p_type == PT_LOAD) {
                size_t s = ph.p_vaddr & ~(page - 1), e = (ph.p_vaddr + ph.p_memsz + page - 1) & ~(page - 1);
                lo = s < lo ? s : lo;
                hi = e > hi ? e : hi;
            }
        }
    }
    close(fd);
    return hi > lo ? hi - lo : 0;
}

int main(int argc, char **argv)
{
    bool adjacent = false;
    void *placeholder = NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const char *plugin = NULL;
    struct extent ext = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rwx")) {
            void *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) {
                perror("mmap rwx");
                return 1;
            }
            memset(p, 0xc3, 3 * 4096); /* ret */
        } else if (!strcmp(argv[i], "--adjacent")) {
            adjacent = true;
        } else if (!strcmp(argv[i], "--dlopen") && i + 1 < argc) {
            plugin = argv[++i];
            size_t len = adjacent ? image_size(plugin, page) : 0;
            void *fillers[256];
            size_t nfill = 0;
            if (adjacent) {
                /* a hole of exactly len bytes under a placeholder */
                char *r = mmap(NULL, len + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (len == 0 || r == MAP_FAILED) {
                    fprintf(stderr, "cannot size %s or reserve room for it\n", plugin);
                    return 1;
                }
                /* fill the higher holes where the plugin would fit */
                while (nfill < sizeof fillers / sizeof fillers[0]) {
                    char *f = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    if (f == MAP_FAILED) {
                        break;
                    }
                    if (f < r) {
                        munmap(f, len);
                        break;
                    }
                    fillers[nfill++] = f;
                }
                munmap(r, len);
                placeholder = r + len;
            }
            void *h = dlopen(plugin, RTLD_NOW);
            if (!h) {
                fprintf(stderr, "dlopen: %s\n", dlerror());
                return 1;
            }
            int (*fn)(void) = (int (*)(void))dlsym(h, "plugin_answer");
            if (!fn || fn() != 42) {
                fprintf(stderr, "plugin_answer missing or wrong\n");
                return 1;
            }
            if (!adjacent) {
                continue;
            }
            while (nfill > 0) {
                munmap(fillers[--nfill], len);
            }
            ext.name = plugin;
            if (!dl_iterate_phdr(find_extent, &ext) || ext.hi == 0) {
                fprintf(stderr, "plugin %s not found by dl_iterate_phdr\n", plugin);
                return 1;
            }
            munmap(placeholder, 2 * page); /* normally at ext.hi */
            len = 2 * page;
            void *p = mmap((void *)ext.hi, len, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (p != (void *)ext.hi) {
                perror("mmap MAP_FIXED_NOREPLACE after the plugin");
                return 1;
            }
            memset(p, 1, len);
        }
    }
    if (ext.hi) {
        printf("ready %lx %lx\n", (unsigned long)ext.lo, (unsigned long)ext.hi);
    } else {
        printf("ready\n");
    }
    fflush(stdout);
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    poll(&pfd, 1, 60000);
    return 0;
}
