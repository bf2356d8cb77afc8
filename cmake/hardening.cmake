# Hardening flags for every artifact (see docs/development.md, "Hardening").
#
#   -fstack-protector-strong     canary from the thread's TCB (%fs:0x28)
#   -fstack-clash-protection     probes large stack allocations
#   -fcf-protection              x86 IBT/SHSTK: endbr64 + GNU property note
#   -mbranch-protection=standard aarch64 BTI + PAC (where the compiler has it)
#   -D_FORTIFY_SOURCE=2          optimised builds only (it needs -O), not
#                                with ASan (which intercepts the same calls)
#   -Wl,-z,relro,-z,now          executables (the shared libraries already
#                                link with it, see src/*/CMakeLists.txt)
#
# autoseal_warnings links autoseal_hardening, so every target built here
# gets it.  -DAUTOSEAL_HARDENING=OFF turns it off (e.g. to compare code).
include(CheckCCompilerFlag)
option(AUTOSEAL_HARDENING "Build with stack protector, CET, FORTIFY and full RELRO" ON)

add_library(autoseal_hardening INTERFACE)
if(AUTOSEAL_HARDENING)
  set(_flags -fstack-protector-strong -fstack-clash-protection)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|i.86")
    list(APPEND _flags -fcf-protection)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
    list(APPEND _flags -mbranch-protection=standard)
  endif()
  # -Werror: clang accepts some flags of other targets with only a warning
  set(CMAKE_REQUIRED_FLAGS -Werror)
  foreach(flag ${_flags})
    string(MAKE_C_IDENTIFIER "AUTOSEAL_HAVE${flag}" var)
    check_c_compiler_flag(${flag} ${var})
    if(${var})
      target_compile_options(autoseal_hardening INTERFACE ${flag})
    endif()
  endforeach()
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT AUTOSEAL_ASAN)
    # -U first: CPPFLAGS from dpkg-buildflags (or a distribution compiler
    # default) may already define it, possibly to another level.
    target_compile_options(autoseal_hardening INTERFACE
      $<$<AND:$<COMPILE_LANGUAGE:C,CXX>,$<NOT:$<CONFIG:Debug>>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>)
  endif()
  target_link_options(autoseal_hardening INTERFACE
    $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:LINKER:-z,relro,-z,now>)
endif()
