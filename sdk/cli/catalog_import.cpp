#include "catalog_import.hpp"

#include <iconv.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "audit_report.hpp"

namespace medlint::cli {
namespace {

using Record = std::vector<std::string>;

// RFC 4180 as spreadsheets write it: quoted fields may hold commas, quotes
// ("") and line breaks; lines end in CRLF or LF.  Each record keeps the line
// it starts on.
std::vector<std::pair<size_t, Record>> csv_records(std::string_view text) {
    std::vector<std::pair<size_t, Record>> records;
    Record record;
    std::string field;
    bool quoted = false, any = false;
    size_t line = 1, start = 1;
    auto end_field = [&] {
        record.push_back(std::move(field));
        field.clear();
    };
    for (size_t at = 0; at < text.size(); ++at) {
        char c = text[at];
        if (quoted) {
            if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') field += text[++at];
            else if (c == '"') quoted = false;
            else field += c;
            if (c == '\n') ++line;
            continue;
        }
        if (c == '"') {
            quoted = any = true;
        } else if (c == ',') {
            end_field();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
            if (any || !field.empty()) {
                end_field();
                records.push_back({start, std::move(record)});
            }
            record.clear();
            any = false;
            start = ++line;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted) throw CatalogImportError("line " + std::to_string(start) + ": a quoted field is not closed");
    if (any || !field.empty()) {
        end_field();
        records.push_back({start, std::move(record)});
    }
    return records;
}

// GB18030 (so GBK and GB2312 too) bytes as UTF-8; nullopt when they are not.
std::optional<std::string> gb18030_to_utf8(std::string_view bytes) {
    iconv_t converter = iconv_open("UTF-8", "GB18030");
    if (converter == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    // A GB18030 character of 1, 2 or 4 bytes takes at most 1, 3 or 4 in UTF-8.
    std::string utf8(bytes.size() * 2, '\0');
    char *from = const_cast<char *>(bytes.data());  // iconv's signature; it does not write there
    char *to = utf8.data();
    size_t from_left = bytes.size(), to_left = utf8.size();
    bool converted = iconv(converter, &from, &from_left, &to, &to_left) != static_cast<size_t>(-1);
    iconv_close(converter);
    if (!converted) return std::nullopt;
    utf8.resize(utf8.size() - to_left);
    return utf8;
}

// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GBK read as GB18030.
std::string as_text(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (valid_utf8(bytes) == bytes) return std::string(bytes);
    if (std::optional<std::string> utf8 = gb18030_to_utf8(bytes)) return *utf8;
    throw CatalogImportError("the file is neither UTF-8 nor GBK");
}

std::string trimmed(const std::string &text) {
    size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// A column of the export and the headers it goes by, as HIS exports and the
// national interfaces name it.
struct Column {
    const char *what;
    std::vector<std::string> headers;
    bool required;
};
const Column kColumns[] = {
    {"national code", {"医保编码", "国家编码", "医保目录编码", "国家医保编码", "医保项目编码", "hilist_code", "national_code", "code"}, true},
    {"class", {"类别", "医保类别", "目录类别", "甲乙类", "收费类别", "项目等级", "hilist_lv", "class"}, true},
    {"hospital code", {"医院编码", "院内编码", "医院项目编码", "医疗机构项目编码", "hosplist_code", "hospital_code"}, false},
    {"name", {"名称", "项目名称", "药品名称", "医保目录名称", "医院项目名称", "hilist_name", "name"}, false},
    {"restriction", {"限制条件", "限定支付范围", "限制使用范围", "备注", "restriction"}, false},
};
enum ColumnIndex { kNational, kClass, kHospital, kName, kRestriction };

std::vector<std::optional<size_t>> find_columns(const Record &header) {
    std::vector<std::optional<size_t>> found;
    for (const auto &column : kColumns) {
        std::optional<size_t> at;
        for (size_t i = 0; i < header.size() && !at; ++i)
            for (const auto &name : column.headers)
                if (trimmed(header[i]) == name) at = i;
        if (!at && column.required) {
            std::string names;
            for (const auto &name : column.headers) names += (names.empty() ? "" : ", ") + name;
            throw CatalogImportError("line 1: no " + std::string(column.what) + " column (a header named one of " +
                                     names + ")");
        }
        found.push_back(at);
    }
    return found;
}

// 甲/乙/丙, A/B/C or the national hilist_lv 01/02/03 as A, B or C; "" when none of them.
std::string class_letter(const std::string &text) {
    static const std::map<std::string, std::string> letters = {
        {"甲", "A"}, {"甲类", "A"}, {"A", "A"}, {"a", "A"}, {"01", "A"}, {"1", "A"},
        {"乙", "B"}, {"乙类", "B"}, {"B", "B"}, {"b", "B"}, {"02", "B"}, {"2", "B"},
        {"丙", "C"}, {"丙类", "C"}, {"C", "C"}, {"c", "C"}, {"03", "C"}, {"3", "C"}};
    auto found = letters.find(text);
    return found == letters.end() ? "" : found->second;
}

std::string csv_field(const std::string &text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

void write_atomically(const std::filesystem::path &path, const std::string &content) {
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
    std::filesystem::rename(temporary, path);
}

}  // namespace

ImportedCatalog import_catalog(std::string_view bytes) {
    auto records = csv_records(as_text(bytes));
    if (records.empty()) throw CatalogImportError("line 1: the file is empty; it needs a header row");
    std::vector<std::optional<size_t>> columns = find_columns(records.front().second);
    auto cell = [&](const Record &record, ColumnIndex column) {
        const auto &at = columns[column];
        return at && *at < record.size() ? trimmed(record[*at]) : std::string();
    };
    std::map<std::string, std::pair<size_t, Record>> rows;  // national code -> line, output cells
    std::string problems;
    for (size_t i = 1; i < records.size(); ++i) {
        const auto &[line, record] = records[i];
        auto bad = [&, line = line](const std::string &reason) {
            problems += "line " + std::to_string(line) + ": " + reason + "\n";
        };
        std::string code = cell(record, kNational), raw_class = cell(record, kClass);
        std::string letter = class_letter(raw_class);
        if (code.empty()) bad("no national code");
        else if (code.find_first_of(" \t") != std::string::npos) bad("national code \"" + code + "\" holds a space");
        else if (raw_class.empty()) bad("no class (甲/乙/丙, A/B/C or 01/02/03)");
        else if (letter.empty()) bad("class \"" + raw_class + "\" is not one of 甲/乙/丙, A/B/C, 01/02/03");
        else if (auto earlier = rows.find(code); earlier != rows.end() && earlier->second.second[2] != letter)
            bad("national code " + code + " has class " + letter + " here and " + earlier->second.second[2] +
                " on line " + std::to_string(earlier->second.first));
        else if (earlier == rows.end())
            rows[code] = {line, {code, cell(record, kName), letter, cell(record, kHospital), cell(record, kRestriction)}};
    }
    if (!problems.empty()) throw CatalogImportError(problems.substr(0, problems.size() - 1));
    ImportedCatalog out;
    out.catalog_csv = "code,name,class,hospital_code,restriction\n";
    for (const auto &[code, row] : rows) {
        const Record &cells = row.second;
        for (size_t i = 0; i < cells.size(); ++i) out.catalog_csv += (i ? "," : "") + csv_field(cells[i]);
        out.catalog_csv += "\n";
    }
    out.rows = rows.size();
    return out;
}

void write_hospital_pack(const std::string &folder, const std::string &id, const std::string &version,
                         bool complete, const ImportedCatalog &catalog) {
    std::filesystem::create_directories(folder);
    std::string pack_xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Written by medlint catalog import. -->\n"
                           "<pack id=\"" + id + "\" version=\"" + version + "\"" +
                           (complete ? " complete=\"true\"" : "") + ">\n"
                           "  <table file=\"catalog.csv\">the hospital's catalogue mapping: national code, name and "
                           "class</table>\n</pack>\n";
    write_atomically(std::filesystem::path(folder) / "catalog.csv", catalog.catalog_csv);
    write_atomically(std::filesystem::path(folder) / "pack.xml", pack_xml);
}

}  // namespace medlint::cli
