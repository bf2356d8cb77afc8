# Cross build for 64-bit Arm with Debian's cross compiler:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake
# Needs gcc-aarch64-linux-gnu and, for the CLI and the tests, the arm64
# libraries (dpkg --add-architecture arm64; libelf-dev:arm64 check:arm64
# libsubunit-dev:arm64).  Tests run under qemu-user (qemu-aarch64), the
# CMAKE_CROSSCOMPILING_EMULATOR.  scripts/cross-aarch64.sh does all of it
# inside a Debian 12 chroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
find_program(AUTOSEAL_QEMU_AARCH64 qemu-aarch64)
if(AUTOSEAL_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${AUTOSEAL_QEMU_AARCH64})
endif()
# pkg-config: the arm64 .pc files only
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
