#include "audit_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "request_files.hpp"

namespace medlint::cli {
namespace {

namespace fs = std::filesystem;
constexpr auto npos = std::string_view::npos;

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == npos; }

// *.xml, and *.json for the national platform's requests that HIS log.
bool is_request_extension(const fs::path &path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".xml" || extension == ".json";
}

// A folder's request files, searched recursively (symbolic links to folders
// are not followed).  A subfolder that cannot be searched is an input of its
// own that fails with the reason, so that the rest of the audit goes on.
void add_request_files_in(const fs::path &folder, std::vector<AuditInput> &inputs) {
    std::error_code error;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
        entries.push_back(*it);
    if (error) {
        inputs.push_back({folder.string(), false, "", "cannot search folder " + folder.string() + ": " + error.message()});
        return;
    }
    for (const auto &entry : entries) {
        std::error_code ignored;
        if (entry.is_directory(ignored) && !entry.is_symlink(ignored)) add_request_files_in(entry.path(), inputs);
        else if (is_request_extension(entry.path()) && entry.is_regular_file(ignored))
            inputs.push_back({entry.path().string(), false, "", ""});
    }
}

// ... sorted by path so that the order, and with it every report, is the
// same on every file system.
std::vector<AuditInput> request_files_in(const std::string &folder) {
    std::vector<AuditInput> inputs;
    add_request_files_in(folder, inputs);
    std::sort(inputs.begin(), inputs.end(), [](const AuditInput &a, const AuditInput &b) { return a.name < b.name; });
    return inputs;
}

// Where the documents of a stream without NUL bytes begin: at each XML
// declaration, with the UTF-8 byte-order mark before it.  "<?xml" must be
// followed by white space: "<?xml-stylesheet" is another instruction.
std::vector<size_t> declaration_offsets(std::string_view stream) {
    const std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    std::vector<size_t> offsets;
    for (size_t at = stream.find("<?xml"); at != npos; at = stream.find("<?xml", at + 1)) {
        size_t after = at + 5;
        if (after < stream.size() && std::string_view(" \t\r\n").find(stream[after]) == npos) continue;
        size_t mark = kByteOrderMark.size();
        bool marked = at >= mark && stream.substr(at - mark, mark) == kByteOrderMark;
        offsets.push_back(marked ? at - mark : at);
    }
    return offsets;
}

std::vector<std::string_view> pieces_between(std::string_view stream, std::vector<size_t> cuts) {
    cuts.insert(cuts.begin(), 0);
    cuts.push_back(stream.size());
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) pieces.push_back(stream.substr(cuts[i], cuts[i + 1] - cuts[i]));
    return pieces;
}

std::vector<std::string_view> pieces_between_nuls(std::string_view stream) {
    std::vector<std::string_view> pieces;
    for (size_t start = 0;;) {
        size_t nul = stream.find('\0', start);
        pieces.push_back(stream.substr(start, nul == npos ? npos : nul - start));
        if (nul == npos) return pieces;
        start = nul + 1;
    }
}

void add_stdin_documents(std::vector<AuditInput> &inputs) {
    size_t number = 0;
    for (std::string &document : split_document_stream(read_document_stream()))
        inputs.push_back(
            {std::string(kStandardInputName) + "#" + std::to_string(++number), true, std::move(document), ""});
}

}  // namespace

std::vector<std::string> split_document_stream(std::string_view stream) {
    std::vector<std::string_view> pieces = stream.find('\0') != npos
                                               ? pieces_between_nuls(stream)
                                               : pieces_between(stream, declaration_offsets(stream));
    std::vector<std::string> documents;
    for (std::string_view piece : pieces)
        if (!is_blank(piece)) documents.emplace_back(piece);
    return documents;
}

std::vector<AuditInput> collect_inputs(const std::vector<std::string> &operands) {
    if (std::count(operands.begin(), operands.end(), "-") > 1)
        throw std::runtime_error("standard input (-) can be read only once");
    std::vector<AuditInput> inputs;
    for (const auto &operand : operands) {
        std::error_code ignored;
        if (operand == "-") add_stdin_documents(inputs);
        else if (fs::is_directory(operand, ignored))
            for (auto &input : request_files_in(operand)) inputs.push_back(std::move(input));
        else inputs.push_back({operand, false, "", ""});
    }
    return inputs;
}

std::string input_bytes(const AuditInput &input) {
    if (!input.unreadable.empty()) throw std::runtime_error(input.unreadable);
    return input.from_stdin ? input.bytes : read_request(input.name);
}

}  // namespace medlint::cli
