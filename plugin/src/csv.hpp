// RFC 4180 CSV with a header row, as hospitals export it from spreadsheets:
// UTF-8 (a BOM is allowed), CRLF or LF, quoted fields with "" escapes and
// embedded newlines.  Columns are found by header name, in any order.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medlint {

class CsvTable {
public:
    // Throws MEDLINT_ECONFIG naming `file_name`, the line and the column: for
    // an unclosed quote where it opened, a control character (NUL too), a
    // cell over 64 KiB or a row of more than 1024 columns.
    CsvTable(std::string_view text, std::string file_name);

    struct Row {
        int line = 0;  // where the row starts in the file
        std::vector<std::string> cells;
    };

    const std::vector<Row> &rows() const { return rows_; }
    const std::string &file_name() const { return file_name_; }
    // The column's index, or nullopt when the header has no such column.
    std::optional<size_t> column(std::string_view name) const;
    // Throws unless the header has every one of `names`.
    void require_columns(std::initializer_list<const char *> names) const;
    // Throws at the second row whose cells in `key` repeat an earlier row's.
    void require_unique(std::initializer_list<const char *> key) const;
    // A row's cell in `column`, "" when the column is absent.
    std::string cell(const Row &row, std::string_view column) const;
    [[noreturn]] void row_error(const Row &row, std::string_view column, const std::string &problem) const;

private:
    std::string file_name_;
    std::vector<std::string> header_;
    std::map<std::string, size_t, std::less<>> index_;
    std::vector<Row> rows_;
};

}  // namespace medlint
