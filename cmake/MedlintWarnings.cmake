# Every first-party target calls medlint_warnings(); CI turns warnings into errors.
function(medlint_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wno-sign-conversion $<$<BOOL:${MEDLINT_WERROR}>:-Werror>)
endfunction()
