# AUTOSEAL_TEST_PRELOAD: what LD_PRELOAD must hold to load the libautoseal.so
# of this build.  An ASan build of the library needs the ASan runtime first
# ("ASan runtime does not come first"), so it is listed in front of it.
# AUTOSEAL_TEST_ENV: extra environment for such runs (';'-separated).
# test/CMakeLists.txt may define both for every test directory; this file
# only fills them in when it has not.
if(NOT DEFINED AUTOSEAL_TEST_PRELOAD)
  set(AUTOSEAL_TEST_PRELOAD "$<TARGET_FILE:autoseal>")
  set(AUTOSEAL_TEST_ENV "")
  if(AUTOSEAL_ASAN)
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE _as_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(AUTOSEAL_TEST_PRELOAD "${_as_libasan} $<TARGET_FILE:autoseal>")
    # The programs under test are not instrumented: their leaks are not ours.
    set(AUTOSEAL_TEST_ENV "ASAN_OPTIONS=detect_leaks=0")
  endif()
endif()
