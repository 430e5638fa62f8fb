// A host in C++ that links libmedlint and uses the RAII wrapper
// medlint/medlint.hpp: open an engine with the built-in defaults and check
// one request document.
//
//   medlint_host REQUEST.xml
//
// Exit status: 0 pass or info, 1 warning, 2 block, 3 check failed.  Every
// failure, from another ABI to a failed call, is shown as "check failed,
// review by hand", never as a pass.
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <medlint/medlint.hpp>

namespace {

enum exit_status { pass = 0, warning = 1, block = 2, check_failed = 3 };

int review_by_hand(const std::string &reason) {
    std::cout << "check failed, review by hand: " << reason << '\n';
    return check_failed;
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    if (!(in && content << in.rdbuf())) throw std::runtime_error("cannot read " + path);
    return content.str();
}

// The value of attribute `name` in the start tag at `tag`; "" when it has
// none.  Enough for medlint's responses, whose attribute values never hold a
// quote character unescaped.
std::string attribute(std::string_view tag, std::string_view name) {
    tag = tag.substr(0, tag.find('>'));
    size_t at = tag.find(" " + std::string(name) + "=\"");
    if (at == std::string_view::npos) return "";
    size_t begin = at + name.size() + 3;
    return std::string(tag.substr(begin, tag.find('"', begin) - begin));
}

// Prints the result's status and one line per finding; returns the exit
// status for the result's status.
int show_verdict(std::string_view response) {
    size_t result = response.find("<check-result ");
    if (result == std::string_view::npos) return review_by_hand("the response is not a <check-result>");
    std::string status = attribute(response.substr(result), "status");
    std::cout << "verdict: " << status << '\n';
    const std::string_view message_tag = "<message>";
    for (size_t finding = response.find("<finding ", result); finding != std::string_view::npos;
         finding = response.find("<finding ", finding + 1)) {
        std::string_view tag = response.substr(finding);
        std::cout << "  " << attribute(tag, "rule") << " (" << attribute(tag, "severity") << ")";
        size_t message = tag.find(message_tag), message_end = tag.find("</message>");
        if (message != std::string_view::npos && message_end != std::string_view::npos) {
            message += message_tag.size();
            std::cout << ": " << tag.substr(message, message_end - message);
        }
        std::cout << '\n';
    }
    if (status == "pass" || status == "info") return pass;
    if (status == "warning") return warning;
    if (status == "block") return block;
    return review_by_hand("the response has an unknown status: " + status);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " REQUEST.xml\n";
        return check_failed;
    }
    try {
        // Linked at build time, the loader already chose libmedlint.so.1;
        // the check guards against a library built from another header.
        if (medlint_abi_version() != MEDLINT_ABI_VERSION)
            return review_by_hand("the library has another ABI version than this host");
        std::cout << "medlint " << medlint::version() << ", ABI " << MEDLINT_ABI_VERSION << '\n';
        std::string request = read_file(argv[1]);
        medlint::engine engine;  // the built-in defaults
        return show_verdict(engine.call(request));
    } catch (const std::exception &e) {  // medlint::failure, or the file could not be read
        return review_by_hand(e.what());
    }
}
