# Unit test of the journal native-protocol field encoding (src/lib/log.c).
add_executable(test_journal ${CMAKE_CURRENT_LIST_DIR}/test_journal.c)
target_link_libraries(test_journal PRIVATE
  autoseal_core autoseal_warnings autoseal_sanitize PkgConfig::CHECK)
add_test(NAME unit_journal COMMAND test_journal)
set_tests_properties(unit_journal PROPERTIES LABELS unit TIMEOUT 60)
