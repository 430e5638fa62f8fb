# The ABI guard: fails, naming each difference, when LIBRARY exports a symbol
# that the list SYMBOLS lacks, lacks one it lists, or has another SONAME.
#
#   cmake -DLIBRARY=libmedlint.so -DSYMBOLS=medlint.symbols -DSONAME=libmedlint.so.1
#         -DNM=nm -DREADELF=readelf -P check_abi.cmake

cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${NM}" -D --defined-only --format=just-symbols "${LIBRARY}"
                OUTPUT_VARIABLE exported COMMAND_ERROR_IS_FATAL ANY)
string(REGEX REPLACE "\n$" "" exported "${exported}")
string(REPLACE "\n" ";" exported "${exported}")

file(STRINGS "${SYMBOLS}" listed REGEX "^[^#]")

set(problems "")
foreach(symbol IN LISTS exported)
  if(NOT symbol IN_LIST listed)
    string(APPEND problems "  exported but not in ${SYMBOLS}: ${symbol}\n")
  endif()
endforeach()
foreach(symbol IN LISTS listed)
  if(NOT symbol IN_LIST exported)
    string(APPEND problems "  in ${SYMBOLS} but not exported: ${symbol}\n")
  endif()
endforeach()

execute_process(COMMAND "${READELF}" -d "${LIBRARY}" OUTPUT_VARIABLE dynamic COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCH "Library soname: \\[([^]]*)\\]" _ "${dynamic}")
if(NOT CMAKE_MATCH_1 STREQUAL SONAME)
  string(APPEND problems "  SONAME is \"${CMAKE_MATCH_1}\", not ${SONAME}\n")
endif()

if(problems)
  message(FATAL_ERROR "${LIBRARY} does not have the ABI of the checked-in list:\n${problems}"
          "A removed or changed symbol breaks hosts in the field; see docs/host.md, \"Compatibility\".")
endif()
list(LENGTH exported count)
message(STATUS "${LIBRARY}: ${count} symbols as listed, SONAME ${SONAME}")
