// C++ exceptions, RTTI and std::thread under autoseal.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

static int thrower(int n)
{
    if (n == 0) {
        throw std::runtime_error("boom");
    }
    return thrower(n - 1) + 1;
}

int main()
{
    int caught = 0;
    for (int i = 0; i < 100; i++) {
        try {
            thrower(5);
        } catch (const std::exception &e) {
            caught += std::string(e.what()) == "boom";
        }
    }
    std::thread t([&] {
        try {
            throw 42;
        } catch (int v) {
            caught += v == 42;
        }
    });
    t.join();
    std::printf("caught %d\n", caught);
    return caught == 101 ? 0 : 1;
}
