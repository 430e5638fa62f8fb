#include "csv.hpp"

#include "encoding.hpp"
#include "error.hpp"

namespace medlint {
namespace {

// Bounds far above any real table, that keep a hostile file from filling memory cell by cell.
constexpr size_t kMaxCellBytes = 64u << 10, kMaxColumns = 1024;

// "file:line, column N (name): problem", the column and its name where known,
// and the same place as the error's attributes.
[[noreturn]] void table_error(const std::string &file, int line, size_t column, std::string_view column_name,
                              const std::string &problem) {
    std::string named = column_name.empty() ? "" : " (" + std::string(column_name) + ")";
    std::string where = column ? ", column " + std::to_string(column) + named : "";
    fail(MEDLINT_ECONFIG, file + ":" + std::to_string(line) + where + ": " + problem,
         {file, line, static_cast<long>(column), column_name.empty() ? problem : std::string(column_name) + ": " + problem});
}

struct Parser {
    std::string_view text;
    const std::string &file_name;
    size_t pos = 0;
    int line = 1;

    [[noreturn]] void error_at(int at_line, size_t column, const std::string &problem) const {
        table_error(file_name, at_line, column, "", problem);
    }

    void add_char(std::string &cell, char c, size_t column) const {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            static const char hex[] = "0123456789ABCDEF";
            error_at(line, column, std::string("holds control character 0x") + hex[byte >> 4] + hex[byte & 15] +
                                       (byte == 0 ? " (a NUL byte)" : ""));
        }
        if (cell.size() >= kMaxCellBytes)
            error_at(line, column, "holds more than " + std::to_string(kMaxCellBytes >> 10) + " KiB");
        cell += c;
    }

    // One record; false at end of input.
    bool record(std::vector<std::string> &cells) {
        cells.clear();
        if (pos >= text.size()) return false;
        std::string cell;
        while (true) {
            size_t column = cells.size() + 1;
            if (column > kMaxColumns) error_at(line, column, "a row has more than " + std::to_string(kMaxColumns) + " columns");
            if (pos < text.size() && text[pos] == '"') {
                int opened = line;
                ++pos;
                while (true) {
                    if (pos >= text.size()) error_at(opened, column, "a quoted field opened here is not closed");
                    char c = text[pos++];
                    if (c == '"') {
                        if (pos < text.size() && text[pos] == '"') { add_char(cell, '"', column); ++pos; continue; }
                        break;
                    }
                    if (c == '\n') ++line;
                    add_char(cell, c, column);
                }
                if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
                    error_at(line, column, "text follows a closing quote");
            } else {
                while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
                    add_char(cell, text[pos++], column);
            }
            cells.push_back(std::move(cell));
            cell.clear();
            if (pos >= text.size()) return true;
            char c = text[pos++];
            if (c == ',') continue;
            if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
            ++line;
            return true;
        }
    }
};

bool blank(const std::vector<std::string> &cells) {
    for (const auto &cell : cells)
        if (cell.find_first_not_of(" \t") != std::string::npos) return false;
    return true;
}

}  // namespace

CsvTable::CsvTable(std::string_view text, std::string file_name) : file_name_(std::move(file_name)) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    // Excel on Chinese Windows saves CSV as GBK; such bytes would reach hosts inside UTF-8 responses.
    if (auto problem = utf8_problem(text))
        fail(MEDLINT_ECONFIG, file_name_ + ": " + *problem + "; save the table as UTF-8 (Excel: \"CSV UTF-8\")");
    Parser parser{text, file_name_};
    if (!parser.record(header_)) parser.error_at(1, 1, "has no header row");
    for (size_t i = 0; i < header_.size(); ++i) {
        std::string name = header_[i];
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty() && !index_.emplace(name, i).second)
            parser.error_at(1, i + 1, "column \"" + name + "\" appears twice in the header");
    }
    std::vector<std::string> cells;
    int start = parser.line;
    while (parser.record(cells)) {
        if (!blank(cells)) rows_.push_back({start, cells});
        start = parser.line;
    }
}

std::optional<size_t> CsvTable::column(std::string_view name) const {
    auto found = index_.find(name);
    if (found == index_.end()) return std::nullopt;
    return found->second;
}

void CsvTable::require_columns(std::initializer_list<const char *> names) const {
    for (const char *name : names)
        if (!column(name))
            table_error(file_name_, 1, header_.size() + 1, "", "the header has no column \"" + std::string(name) + "\"");
}

void CsvTable::require_unique(std::initializer_list<const char *> key) const {
    std::map<std::vector<std::string>, int> first_line;
    for (const auto &row : rows_) {
        std::vector<std::string> values;
        for (const char *name : key) values.push_back(cell(row, name));
        auto [first, added] = first_line.emplace(values, row.line);
        if (added) continue;
        std::string shown;
        for (const auto &value : values) shown += (shown.empty() ? "" : ", ") + value;
        row_error(row, *key.begin(), "\"" + shown + "\" is already the key of line " + std::to_string(first->second) +
                                         "; a table holds each key once (a later pack may override it)");
    }
}

std::string CsvTable::cell(const Row &row, std::string_view name) const {
    auto index = column(name);
    if (!index || *index >= row.cells.size()) return "";
    std::string value = row.cells[*index];
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    return value;
}

void CsvTable::row_error(const Row &row, std::string_view column_name, const std::string &problem) const {
    auto index = column(column_name);
    table_error(file_name_, row.line, index ? *index + 1 : 0, index ? column_name : "", problem);
}

}  // namespace medlint
