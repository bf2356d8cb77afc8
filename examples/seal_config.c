/* seal_config: protect a program's security-critical data with autoseal.
 *
 *   cc seal_config.c $(pkg-config --cflags --libs autoseal)
 *
 * 1. Settings that are written once at startup are marked
 *    AUTOSEAL_RO_AFTER_INIT and locked with autoseal_lock().
 * 2. A table built at run time lives in autoseal_alloc() memory and is
 *    frozen with autoseal_protect().
 * A kernel without mseal(2) (or a seccomp filter refusing it) is handled:
 * the data still becomes read-only, only the seal is missing.
 * With --strict the program fails unless everything was sealed. */
#include <autoseal.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

struct config {
    int max_clients;
    char allowed_user[32];
};

static AUTOSEAL_RO_AFTER_INIT struct config cfg;

struct key_table {
    unsigned char keys[4][32];
};

static int report(const char *what, int rc, int *not_sealed)
{
    if (rc == 0) {
        printf("%s: read-only and sealed\n", what);
        return 0;
    }
    if (rc == -ENOSYS || rc == ENOSYS) {
        /* lock: -ENOSYS; protect: +ENOSYS (protection applied) */
        printf("%s: read-only, NOT sealed (mseal unavailable)\n", what);
        *not_sealed = 1;
        return 0;
    }
    fprintf(stderr, "%s: failed: %s\n", what, strerror(rc < 0 ? -rc : rc));
    return 1;
}

int main(int argc, char **argv)
{
    int strict = argc > 1 && strcmp(argv[1], "--strict") == 0;
    int not_sealed = 0, failed = 0;

    printf("mseal available: %s\n", autoseal_available() ? "yes" : "no");

    /* Initialisation: the only time cfg is written. */
    cfg.max_clients = 16;
    snprintf(cfg.allowed_user, sizeof cfg.allowed_user, "%s", "operator");

    struct key_table *tab = autoseal_alloc(sizeof *tab);
    if (tab == NULL) {
        perror("autoseal_alloc");
        return 1;
    }
    for (int i = 0; i < 4; i++) {
        memset(tab->keys[i], 0x10 + i, sizeof tab->keys[i]);
    }

    /* End of initialisation: freeze. */
    failed |= report("config", autoseal_lock(), &not_sealed);
    /* autoseal_alloc rounded the size up to whole pages; protect those. */
    size_t len = (sizeof *tab + autoseal_pagesize() - 1) & ~(autoseal_pagesize() - 1);
    failed |= report("key table", autoseal_protect(tab, len, PROT_READ), &not_sealed);

    printf("max_clients=%d allowed_user=%s key0[0]=0x%02x\n", cfg.max_clients,
           cfg.allowed_user, tab->keys[0][0]);

    /* The table cannot be released any more once sealed. */
    int rc = autoseal_free(tab, sizeof *tab);
    printf("autoseal_free after sealing: %s\n", rc == 0 ? "freed" : strerror(-rc));
    if (!not_sealed && rc != -EPERM) {
        failed = 1;
    }

    if (failed) {
        return 1;
    }
    if (strict && not_sealed) {
        fprintf(stderr, "--strict: data is not sealed\n");
        return 1;
    }
    printf("status: %s\n", not_sealed ? "read-only" : "sealed");
    return 0;
}
