// A small CSV reader and writer for the workload tools: the rule pack's
// tables (UTF-8, a header row, quoted fields with doubled quotes) and the
// generator's manifest.  Columns are found by their header name, so extra
// columns and any order are fine, as in the engine.
#pragma once
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../files.hpp"

namespace workload {

class CsvTable {
public:
    // Reads the whole file; throws std::runtime_error naming the file and line.
    explicit CsvTable(const std::string &path) : path_(path) {
        std::string all = test_files::read_file(path);
        if (all.compare(0, 3, "\xEF\xBB\xBF") == 0) all.erase(0, 3);  // a spreadsheet's BOM
        parse(all);
        if (rows_.empty()) throw std::runtime_error(path + ": no header row");
        for (size_t i = 0; i < rows_.front().size(); ++i) columns_[rows_.front()[i]] = i;
    }

    size_t rows() const { return rows_.size() - 1; }  // without the header
    bool has(const std::string &column) const { return columns_.count(column) > 0; }

    // A cell of data row `row` (0-based); "" for a missing column or a short row.
    const std::string &cell(size_t row, const std::string &column) const {
        static const std::string empty;
        auto at = columns_.find(column);
        const auto &fields = rows_[row + 1];
        return at == columns_.end() || at->second >= fields.size() ? empty : fields[at->second];
    }

    // "file:line" of a data row, for error messages.
    std::string where(size_t row) const { return path_ + ":" + std::to_string(lines_[row + 1]); }

private:
    void parse(const std::string &text) {
        std::vector<std::string> fields(1);
        bool quoted = false;
        size_t line = 1, row_line = 1;
        auto end_row = [&] {
            if (fields.size() > 1 || !fields.front().empty()) {
                rows_.push_back(std::move(fields));
                lines_.push_back(row_line);
            }
            fields.assign(1, "");
            row_line = line;
        };
        for (size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (quoted) {
                if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') fields.back() += text[++i];
                else if (c == '"') quoted = false;
                else fields.back() += c;
                if (c == '\n') ++line;
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.emplace_back();
            } else if (c == '\n') {
                ++line;
                end_row();
            } else if (c != '\r') {
                fields.back() += c;
            }
        }
        end_row();
    }

    std::string path_;
    std::vector<std::vector<std::string>> rows_;
    std::vector<size_t> lines_;
    std::map<std::string, size_t> columns_;
};

// The fields of one CSV record on one line (no quoted line breaks, as in the
// manifest): for reading a large file a line at a time.
inline std::vector<std::string> csv_fields(const std::string &line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[++i];
        else if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) fields.emplace_back();
        else if (c != '\r') fields.back() += c;
    }
    return fields;
}

// One CSV field, quoted when it must be.
inline std::string csv_field(const std::string &value) {
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace workload
