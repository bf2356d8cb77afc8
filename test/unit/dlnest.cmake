# test_dlnest: the dl* trampolines and their nesting judgment, linked into
# the test program itself (no preloading).  Not with ASan: its runtime has
# its own dlopen/dlsym interceptors.
# Included from test/unit/CMakeLists.txt.
if(NOT AUTOSEAL_ASAN AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|aarch64|arm64")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    set(_dlwrap_asm ${PROJECT_SOURCE_DIR}/src/lib/dlwrap_x86_64.S)
  else()
    set(_dlwrap_asm ${PROJECT_SOURCE_DIR}/src/lib/dlwrap_aarch64.S)
  endif()
  add_library(dlnest_plugin SHARED ${CMAKE_CURRENT_LIST_DIR}/dlnest/plugin.c)
  add_library(dlnest_leaf SHARED ${CMAKE_CURRENT_LIST_DIR}/dlnest/plugin.c)
  target_compile_definitions(dlnest_leaf PRIVATE DLNEST_LEAF)
  foreach(t dlnest_plugin dlnest_leaf)
    target_link_libraries(${t} PRIVATE ${CMAKE_DL_LIBS} autoseal_warnings)
    set_target_properties(${t} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/dlnest)
  endforeach()
  add_executable(test_dlnest ${CMAKE_CURRENT_LIST_DIR}/test_dlnest.c
    ${PROJECT_SOURCE_DIR}/src/lib/dlwrap.c ${_dlwrap_asm})
  set_target_properties(test_dlnest PROPERTIES ENABLE_EXPORTS ON)
  target_link_libraries(test_dlnest PRIVATE autoseal_core ${CMAKE_DL_LIBS}
    PkgConfig::CHECK autoseal_warnings)
  target_compile_definitions(test_dlnest PRIVATE
    DLNEST_PLUGIN="$<TARGET_FILE:dlnest_plugin>" DLNEST_PLUGIN2="$<TARGET_FILE:dlnest_leaf>")
  add_dependencies(test_dlnest dlnest_plugin dlnest_leaf)
  add_test(NAME unit_dlnest COMMAND test_dlnest)
  set_tests_properties(unit_dlnest PROPERTIES LABELS unit TIMEOUT 120)
endif()
