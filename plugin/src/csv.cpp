#include "csv.hpp"

#include "encoding.hpp"
#include "error.hpp"

namespace medlint {
namespace {

struct Parser {
    std::string_view text;
    const std::string &file_name;
    size_t pos = 0;
    int line = 1;

    [[noreturn]] void error(const std::string &problem) const {
        fail(MEDLINT_ECONFIG, file_name + ":" + std::to_string(line) + ": " + problem);
    }

    // One record; false at end of input.
    bool record(std::vector<std::string> &cells) {
        cells.clear();
        if (pos >= text.size()) return false;
        std::string cell;
        while (true) {
            if (pos < text.size() && text[pos] == '"') {
                ++pos;
                while (true) {
                    if (pos >= text.size()) error("a quoted field is not closed");
                    char c = text[pos++];
                    if (c == '"') {
                        if (pos < text.size() && text[pos] == '"') { cell += '"'; ++pos; continue; }
                        break;
                    }
                    if (c == '\n') ++line;
                    cell += c;
                }
                if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
                    error("text follows a closing quote in column " + std::to_string(cells.size() + 1));
            } else {
                while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
                    cell += text[pos++];
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
    if (!parser.record(header_)) parser.error("has no header row");
    for (size_t i = 0; i < header_.size(); ++i) {
        std::string name = header_[i];
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty() && !index_.emplace(name, i).second)
            fail(MEDLINT_ECONFIG, file_name_ + ":1: column \"" + name + "\" appears twice in the header");
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
            fail(MEDLINT_ECONFIG, file_name_ + ":1: the header has no column \"" + name + "\"");
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
    std::string where = index ? ", column " + std::to_string(*index + 1) + " (" + std::string(column_name) + ")" : "";
    fail(MEDLINT_ECONFIG, file_name_ + ":" + std::to_string(row.line) + where + ": " + problem);
}

}  // namespace medlint
