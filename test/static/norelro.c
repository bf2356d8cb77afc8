/* A static program that carries glibc's ABI note and a RELRO but never makes
 * RELRO read-only (raw system calls, no libc): the launcher's wait for that
 * mprotect must end by itself.  COUNT getpid calls, one read(2) of stdin,
 * then exit(5). */
struct abi_note {
    unsigned namesz, descsz, type;
    char name[4];
    unsigned desc[4];
};
__attribute__((section(".note.ABI-tag"), aligned(4), used)) static const struct abi_note abi = {
    4, 16, 1, "GNU", {0, 3, 2, 0}};
__attribute__((section(".data.rel.ro"), used)) static const void *const relro_ptr = &abi;

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

void _start(void);
void _start(void)
{
    char c;
    for (long i = 0; i < COUNT; i++) {
        sys3(39 /* getpid */, 0, 0, 0);
    }
    sys3(0 /* read */, 0, (long)&c, 1);
    sys3(60 /* exit */, 5, 0, 0);
    for (;;) {
    }
}
