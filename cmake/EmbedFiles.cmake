# Writes OUTPUT, a C++ source defining medlint::embedded_default_pack(), from
# the files of the folder PACK_DIR (pack.xml and *.csv): the pack built into
# the library, so medlint_open(NULL) works wherever the library is.
file(GLOB pack_files RELATIVE "${PACK_DIR}" "${PACK_DIR}/pack.xml" "${PACK_DIR}/*.csv")
list(SORT pack_files)
set(body "")
set(index 0)
foreach(name IN LISTS pack_files)
  file(READ "${PACK_DIR}/${name}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "    static const unsigned char file${index}[] = {${bytes} 0x00};\n"
                     "    files.emplace(\"${name}\", std::string(reinterpret_cast<const char *>(file${index}), sizeof file${index} - 1));\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from the default rule pack by cmake/EmbedFiles.cmake. Do not edit.\n"
     "#include \"knowledge.hpp\"\n\nnamespace medlint {\n\nPackFiles embedded_default_pack() {\n"
     "    PackFiles files;\n${body}    return files;\n}\n\n}  // namespace medlint\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
