# The workload tests (registered in CMakeLists.txt beside this file), run as
#   cmake -DMODE=... -DWORKLOAD=... -DRECALL=... -DMEDLINT=... -DWORK=... -P workload_test.cmake
#
# MODE recall        a mixed batch of 400 documents, every rule of the contract
#                    planted at least 3 times: medlint_recall must find each
#                    planted violation and no finding on a clean document.
# MODE missed        the manifest claims a violation on a clean document:
#                    medlint_recall must fail (a miss is seen).
# MODE false-alarm   the manifest calls a planted document clean:
#                    medlint_recall must fail (a finding on a clean document is seen).
# MODE audit         the batch of MODE recall through `medlint audit --commit
#                    --csv` (the ledger imported first): its report must keep
#                    the same promises, and fail them on a tampered manifest.
# MODE reproducible  the same seed gives the same bytes; another seed, others
#                    (and the folder of --ledger is made when missing).
cmake_minimum_required(VERSION 3.25)

# Every rule the generator can plant (the rule inventory test checks it against the engine's).
execute_process(COMMAND "${WORKLOAD}" --list-rules OUTPUT_VARIABLE rules RESULT_VARIABLE code)
if(NOT code EQUAL 0 OR rules STREQUAL "")
  message(FATAL_ERROR "medlint_workload --list-rules failed (${code})")
endif()
string(STRIP "${rules}" rules)
string(REPLACE "\n" ";" rules "${rules}")

function(generate documents)
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  execute_process(COMMAND "${WORKLOAD}" --seed 2026 --documents ${documents} --inpatient-share 0.25
                          --violation-share 0.35 --out "${WORK}/documents" --manifest "${WORK}/manifest.csv"
                          --ledger "${WORK}/ledger.xml"
                  RESULT_VARIABLE code ERROR_VARIABLE summary)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "medlint_workload failed (${code}):\n${summary}")
  endif()
endfunction()

# medlint_recall over the documents; sets `code` and `output` in the caller.
function(run_recall manifest)
  execute_process(COMMAND "${RECALL}" "${WORK}/documents" --manifest "${manifest}" --ledger "${WORK}/ledger.xml"
                          --dir "${WORK}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  set(code ${code} PARENT_SCOPE)
  set(output "${output}${errors}" PARENT_SCOPE)
endfunction()

# medlint_recall judging the audit's CSV report against `manifest`; sets `code` and `output`.
function(judge_audit manifest)
  execute_process(COMMAND "${RECALL}" "${WORK}/documents" --manifest "${manifest}" --audit-csv "${WORK}/findings.csv"
                  RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  set(code ${code} PARENT_SCOPE)
  set(output "${output}${errors}" PARENT_SCOPE)
endfunction()

# `medlint ARGS...` with the store in WORK; sets `code` and `output`.
function(run_medlint)
  execute_process(COMMAND "${MEDLINT}" --config "${WORK}/medlint.xml" ${ARGN}
                  RESULT_VARIABLE code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  set(code ${code} PARENT_SCOPE)
  set(output "${output}${errors}" PARENT_SCOPE)
endfunction()

# The manifest with its first row matching `pattern` replaced by `replacement` (regex groups allowed).
function(tamper pattern replacement tampered)
  file(STRINGS "${WORK}/manifest.csv" rows ENCODING UTF-8)
  set(out "")
  set(done FALSE)
  foreach(row IN LISTS rows)
    if(NOT done AND row MATCHES "${pattern}")
      string(REGEX REPLACE "${pattern}" "${replacement}" row "${row}")
      set(done TRUE)
    endif()
    string(APPEND out "${row}\n")
  endforeach()
  if(NOT done)
    message(FATAL_ERROR "no manifest row matches ${pattern}")
  endif()
  file(WRITE "${tampered}" "${out}")
endfunction()

if(MODE STREQUAL "recall")
  generate(400)
  run_recall("${WORK}/manifest.csv")
  message("${output}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "medlint_recall failed (${code})")
  endif()
  # A rule the generator silently stopped planting would pass unnoticed: count them.
  foreach(rule IN LISTS rules)
    if(NOT output MATCHES "  ${rule} +([0-9]+) +([0-9]+)" OR CMAKE_MATCH_1 LESS 3)
      message(FATAL_ERROR "${rule} was not planted at least 3 times")
    endif()
  endforeach()
elseif(MODE STREQUAL "missed" OR MODE STREQUAL "false-alarm")
  generate(60)
  if(MODE STREQUAL "missed")
    tamper("^([^,]+,[0-9]+),,,,$" "\\1,DUP-TEST,,,claimed" "${WORK}/tampered.csv")
  else()
    tamper("^([^,]+,[0-9]+),LIMIT-[A-Z]+,.*$" "\\1,,,," "${WORK}/tampered.csv")
  endif()
  run_recall("${WORK}/tampered.csv")
  message("${output}")
  if(NOT code EQUAL 1 OR NOT output MATCHES "RECALL FAILED")
    message(FATAL_ERROR "medlint_recall did not fail on a tampered manifest (exit ${code})")
  endif()
elseif(MODE STREQUAL "audit")
  generate(400)
  file(WRITE "${WORK}/medlint.xml"
       "<medlint><store path=\"${WORK}/medlint.db\" share=\"alliance\"/><policy profile=\"national-2024\"/></medlint>\n")
  run_medlint(ledger import "${WORK}/ledger.xml")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "medlint ledger import failed (${code}):\n${output}")
  endif()
  run_medlint(audit --commit --jobs 2 --csv "${WORK}/findings.csv" "${WORK}/documents")
  message("${output}")
  # 1 or 2: warnings or blocks were found; 3 would mean a document failed.
  if(NOT (code EQUAL 1 OR code EQUAL 2) OR NOT output MATCHES "documents: 400 checked, 0 failed")
    message(FATAL_ERROR "medlint audit --commit did not check all 400 documents (exit ${code})")
  endif()
  judge_audit("${WORK}/manifest.csv")
  message("${output}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "the audit's report broke the manifest's promises (${code})")
  endif()
  tamper("^([^,]+,[0-9]+),,,,$" "\\1,DUP-TEST,,,claimed" "${WORK}/tampered.csv")
  judge_audit("${WORK}/tampered.csv")
  if(NOT code EQUAL 1 OR NOT output MATCHES "RECALL FAILED")
    message(FATAL_ERROR "medlint_recall --audit-csv did not fail on a tampered manifest (exit ${code}):\n${output}")
  endif()
elseif(MODE STREQUAL "reproducible")
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  foreach(run first second other)
    set(seed 7)
    if(run STREQUAL "other")
      set(seed 8)
    endif()
    # The ledger in a folder not made yet: the generator makes it.
    execute_process(COMMAND "${WORKLOAD}" --seed ${seed} --documents 300 --stdout --ledger "${WORK}/${run}/ledger.xml"
                    OUTPUT_FILE "${WORK}/${run}.xml" RESULT_VARIABLE code ERROR_QUIET)
    if(NOT code EQUAL 0)
      message(FATAL_ERROR "medlint_workload failed (${code})")
    endif()
    file(SHA256 "${WORK}/${run}.xml" ${run})
  endforeach()
  if(NOT first STREQUAL second)
    message(FATAL_ERROR "seed 7 gave different bytes in two runs")
  endif()
  if(first STREQUAL other)
    message(FATAL_ERROR "seeds 7 and 8 gave the same bytes")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
