# medlint_embed_pack(OUTPUT FUNCTION PACK_DIR FILE...) writes OUTPUT, a C++
# source defining medlint::FUNCTION(), which returns the named files of the
# rule pack in PACK_DIR as built into the library, so medlint_open(NULL)
# works wherever the library is.  The assembler's .incbin takes each file as
# it is, so a table of megabytes costs the build nothing to convert; the
# object is rebuilt when a file changes.
function(medlint_embed_pack output function pack_dir)
  set(assembly "")
  set(declarations "")
  set(body "")
  set(paths "")
  set(index 0)
  foreach(name IN LISTS ARGN)
    set(path "${pack_dir}/${name}")
    if(path MATCHES "[\"\\\\]")
      message(FATAL_ERROR "cannot embed ${path}: the path holds a quote or a backslash")
    endif()
    set(symbol "medlint_${function}_${index}")
    string(APPEND assembly
           "    \".globl ${symbol}\\n.hidden ${symbol}\\n${symbol}:\\n.incbin \\\"${path}\\\"\\n\"\n"
           "    \".globl ${symbol}_end\\n.hidden ${symbol}_end\\n${symbol}_end:\\n\"\n")
    string(APPEND declarations "extern const char ${symbol}[], ${symbol}_end[];\n")
    string(APPEND body "    files.emplace(\"${name}\", std::string(${symbol}, ${symbol}_end));\n")
    list(APPEND paths "${path}")
    math(EXPR index "${index} + 1")
  endforeach()
  file(CONFIGURE OUTPUT "${output}" @ONLY CONTENT
       "// Generated from ${pack_dir} by cmake/EmbedFiles.cmake. Do not edit.
#include \"knowledge.hpp\"

__asm__(\".section .rodata\\n\"
${assembly}    \".previous\\n\");

extern \"C\" {
#pragma GCC visibility push(hidden)
${declarations}#pragma GCC visibility pop
}

namespace medlint {

PackFiles ${function}() {
    PackFiles files;
${body}    return files;
}

}  // namespace medlint
")
  set_source_files_properties("${output}" PROPERTIES GENERATED TRUE OBJECT_DEPENDS "${paths}")
endfunction()
