# The tools_new_rule test (registered in CMakeLists.txt beside this file), run as
#   cmake -DSOURCE=... -DPYTHON=... -DWORK=... -DOBJECTS=a.o|b.o|... -DCXX_FLAGS=... -DLINKER_FLAGS=...
#         -DGENERATOR=... -P new_rule_test.cmake
#
# Copies the parts of the sources tools/new-rule edits to WORK/tree, runs it
# there for TEST-NEW-RULE, checks what it refuses, then builds the new class
# and the edited registry with the engine's other objects and loads the
# edited default pack: the skeleton's rows must satisfy its declaration.
cmake_minimum_required(VERSION 3.25)

set(rule TEST-NEW-RULE)
set(snake test_new_rule)
set(tree "${WORK}/tree")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${tree}/plugin" "${tree}/rules" "${tree}/tests" "${tree}/docs")
file(COPY "${SOURCE}/plugin/src" DESTINATION "${tree}/plugin")
file(COPY "${SOURCE}/rules/default" "${SOURCE}/rules/docs" DESTINATION "${tree}/rules")
file(COPY "${SOURCE}/tests/unit" DESTINATION "${tree}/tests")
file(GLOB test_headers "${SOURCE}/tests/*.hpp")  # what support.hpp includes
file(COPY ${test_headers} DESTINATION "${tree}/tests")
file(COPY "${SOURCE}/README.md" DESTINATION "${tree}")
file(COPY "${SOURCE}/docs/contract.md" DESTINATION "${tree}/docs")

# `tools/new-rule ARGS...` on the scratch tree; sets `code` and `output`.
function(new_rule)
  execute_process(COMMAND "${PYTHON}" "${SOURCE}/tools/new-rule" ${ARGN} --root "${tree}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  set(code ${code} PARENT_SCOPE)
  set(output "${output}${errors}" PARENT_SCOPE)
endfunction()

function(expect_in file text)
  file(READ "${tree}/${file}" content)
  string(FIND "${content}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${file} lacks: ${text}")
  endif()
endfunction()

new_rule(not-a-rule)
if(code EQUAL 0 OR NOT output MATCHES "is not a rule id")
  message(FATAL_ERROR "new-rule took a lower-case id (${code}): ${output}")
endif()
new_rule(BED-IDLE)
if(code EQUAL 0 OR NOT output MATCHES "exists already")
  message(FATAL_ERROR "new-rule wrote over BED-IDLE (${code}): ${output}")
endif()

new_rule(${rule})
message("${output}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "new-rule ${rule} failed (${code})")
endif()
expect_in(plugin/src/rules/registry.cpp "std::unique_ptr<Rule> make_${snake}();\n")
expect_in(plugin/src/rules/registry.cpp "list.push_back(make_${snake}());\n        return list;")
expect_in(rules/default/points.csv "fengtai,${rule},0,")
expect_in(rules/docs/README.md "| `${rule}` |")
expect_in(README.md "| `${rule}` | TODO fires when | all | [doc](rules/docs/${rule}.md) |")
expect_in(docs/contract.md "| `${rule}` | TODO fires when | all |\n")
expect_in(tests/unit/CMakeLists.txt "medlint_unit_test(medlint_test_rules_${snake} test_rules_${snake}.cpp medlint::medlint)")
foreach(file plugin/src/rules/${snake}.cpp rules/docs/${rule}.md tests/unit/test_rules_${snake}.cpp)
  if(NOT EXISTS "${tree}/${file}")
    message(FATAL_ERROR "new-rule did not write ${file}")
  endif()
endforeach()
new_rule(${rule})
if(code EQUAL 0)
  message(FATAL_ERROR "new-rule wrote ${rule} twice")
endif()

# Build the check against the engine's objects, all but the original registry.
string(REPLACE "|" ";" objects "${OBJECTS}")
list(FILTER objects EXCLUDE REGEX "/registry\\.cpp\\.o$")
list(JOIN objects "\" \"" ENGINE_OBJECTS)
set(ENGINE_OBJECTS "\"${ENGINE_OBJECTS}\"")
set(SNAKE ${snake})
configure_file("${CMAKE_CURRENT_LIST_DIR}/new_rule_project.cmake.in" "${WORK}/check/CMakeLists.txt" @ONLY)
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${WORK}/check" -B "${WORK}/build" -G "${GENERATOR}"
                        -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
                        "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
                RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "configuring the check failed:\n${output}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK}/build" RESULT_VARIABLE code OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the skeleton of ${rule} does not build:\n${output}")
endif()
execute_process(COMMAND "${WORK}/build/new_rule_check" "${tree}/rules/default" ${rule}
                RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE output)
message("${output}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the default pack with ${rule}'s rows does not load")
endif()

# And it fails when the rows are not there: the original pack lacks them.
execute_process(COMMAND "${WORK}/build/new_rule_check" "${SOURCE}/rules/default" ${rule}
                RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(code EQUAL 0 OR NOT output MATCHES "rules.csv: no row for rule ${rule}")
  message(FATAL_ERROR "a pack without ${rule}'s rows loaded (${code}): ${output}")
endif()
file(REMOVE_RECURSE "${WORK}")
