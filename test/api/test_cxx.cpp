// The API from C++: autoseal.h must compile as C++ (extern "C", no C-only
// constructs) and its functions link and work.
#include <autoseal.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>
#include <sys/mman.h>

namespace {

struct Settings {
    int level;
    char name[16];
};

AUTOSEAL_RO_AFTER_INIT Settings settings = {1, "default"};

int fail(const char *what, int rc)
{
    std::fprintf(stderr, "FAIL: %s (%d)\n", what, rc);
    return 1;
}

} // namespace

int main()
{
    if (!autoseal_available()) {
        std::fprintf(stderr, "SKIP: mseal unavailable\n");
        return 77;
    }
    settings.level = 3;
    std::strcpy(settings.name, "cxx");

    const std::size_t ps = autoseal_pagesize();
    void *mem = autoseal_alloc(100);
    if (mem == nullptr) {
        return fail("autoseal_alloc", errno);
    }
    std::memcpy(mem, "hello", 6);
    int rc = autoseal_protect(mem, ps, PROT_READ);
    if (rc != 0) {
        return fail("autoseal_protect", rc);
    }
    if (autoseal_free(mem, 100) != -EPERM) {
        return fail("autoseal_free of sealed memory", 0);
    }
    if (mprotect(mem, ps, PROT_READ | PROT_WRITE) == 0 || errno != EPERM) {
        return fail("mprotect of sealed memory", errno);
    }
    rc = autoseal_lock();
    if (rc != 0) {
        return fail("autoseal_lock", rc);
    }
    void *page = reinterpret_cast<void *>(reinterpret_cast<std::uintptr_t>(&settings) & ~(ps - 1));
    if (mprotect(page, ps, PROT_READ | PROT_WRITE) == 0 || errno != EPERM) {
        return fail("mprotect of locked settings", errno);
    }
    if (autoseal_seal(page, ps) != 0 || autoseal_seal(page, 1) != -EINVAL) {
        return fail("autoseal_seal", 0);
    }
    std::string out = std::string(static_cast<const char *>(mem)) + " " + settings.name;
    std::printf("%s level=%d\n", out.c_str(), settings.level);
    return out == "hello cxx" && settings.level == 3 ? 0 : 1;
}
