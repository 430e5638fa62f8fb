// medlint catalog import: a hospital's catalogue-mapping export, as a
// spreadsheet saves it (CSV, GBK or UTF-8), turned into a hospital rule pack
// whose catalog.csv gives each national code the hospital's class.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace medlint::cli {

// An export with bad rows; what() lists each as "line N: reason".
class CatalogImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ImportedCatalog {
    std::string catalog_csv;  // code,name,class,hospital_code,restriction
    size_t rows = 0;          // national codes
};

// The columns are found by their header, in any order: the national code and
// the class are required, the hospital code, the name and the restriction
// text are read when present.  Throws CatalogImportError unless every row is
// good.
ImportedCatalog import_catalog(std::string_view bytes);

// Writes pack.xml and catalog.csv into `folder` (made when missing), each
// through a temporary file renamed into place.
void write_hospital_pack(const std::string &folder, const std::string &id, const std::string &version,
                         bool complete, const ImportedCatalog &catalog);

}  // namespace medlint::cli
