# Unit tests of the configuration file parser, reader and glob matcher.
# Included from test/unit/CMakeLists.txt: include(${CMAKE_CURRENT_LIST_DIR}/config.cmake)
add_executable(test_config ${CMAKE_CURRENT_LIST_DIR}/test_config.c)
target_link_libraries(test_config PRIVATE
  autoseal_core autoseal_warnings autoseal_sanitize PkgConfig::CHECK)
target_compile_definitions(test_config PRIVATE
  AS_FIXTURES="${CMAKE_CURRENT_LIST_DIR}/fixtures/config"
  AS_EXAMPLE="${CMAKE_CURRENT_LIST_DIR}/../../docs/autoseal.conf.example")
add_test(NAME unit_config COMMAND test_config)
set_tests_properties(unit_config PROPERTIES LABELS unit TIMEOUT 120)
