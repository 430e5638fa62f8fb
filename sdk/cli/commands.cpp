#include "commands.hpp"

#include <medlint/medlint.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "render.hpp"
#include "request_text.hpp"

namespace medlint::cli {
namespace {

struct FileCloser {
    void operator()(std::FILE *file) const { std::fclose(file); }
};

std::string read_all(std::FILE *file, const std::string &name) {
    std::string bytes;
    char buffer[1 << 16];
    for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, file)) > 0;) bytes.append(buffer, got);
    if (std::ferror(file)) throw std::runtime_error("cannot read " + name + ": " + std::strerror(errno));
    return bytes;
}

// The bytes of a request file, or of standard input for "-".
std::string read_request(const std::string &path) {
    if (path == "-") return read_all(stdin, "standard input");
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    return read_all(file.get(), path);
}

medlint::engine open_engine(const std::optional<std::string> &config) {
    if (medlint_abi_version() != MEDLINT_ABI_VERSION)
        throw std::runtime_error("the library has ABI " + std::to_string(medlint_abi_version()) +
                                 "; this tool was built for ABI " + std::to_string(MEDLINT_ABI_VERSION));
    try {
        return medlint::engine(config ? config->c_str() : nullptr);
    } catch (const medlint::failure &e) {
        throw std::runtime_error(std::string("cannot open the engine: ") + e.what());
    }
}

// The response's root element, which must be `expected`.
pugi::xml_node response_root(const std::string &response, pugi::xml_document &document, const std::string &expected) {
    if (!document.load_buffer(response.data(), response.size(), pugi::parse_default, pugi::encoding_utf8))
        throw std::runtime_error("the engine's response is not well-formed XML");
    std::string root = document.document_element().name();
    if (root != expected) throw std::runtime_error("the engine answered <" + root + ">, not <" + expected + ">");
    return document.document_element();
}

// check and commit must never run another operation a file happens to hold,
// such as a retract or a ledger import.
void require_document_root(const std::string &root_name) {
    if (root_name.empty()) return;  // not readable markup: the engine says precisely what is wrong
    if (root_name != "check" && root_name != "commit")
        throw std::runtime_error("the root element is <" + root_name + ">, not <check> or <commit>");
}

// The request as the command sends it.  A response-encoding is turned to
// UTF-8, the only encoding this tool reads; otherwise the bytes stay as they
// are, so that the engine's error positions point into the file.
std::string prepare_request(std::string_view bytes, const std::string &root_name, const Invocation &invocation) {
    bool to_commit = invocation.command == Command::commit && root_name == "check";
    std::string request = to_commit ? with_root_name(bytes, "commit") : std::string(bytes);
    if (invocation.mode) request = with_root_attribute(request, "mode", *invocation.mode);
    if (invocation.lang) request = with_root_attribute(request, "lang", *invocation.lang);
    if (has_root_attribute(request, "response-encoding"))
        request = with_root_attribute(request, "response-encoding", "UTF-8");
    return request;
}

int exit_status_of(std::string_view status) {
    if (status == "pass" || status == "info") return kExitPass;
    if (status == "warning") return kExitWarning;
    if (status == "block") return kExitBlock;
    return kExitError;  // a status this tool does not know is not a pass
}

int check_file(const medlint::engine &engine, const std::string &path, const Invocation &invocation,
               const Palette &palette) {
    try {
        std::string bytes = read_request(path);
        RequestOutline outline = outline_request(bytes);
        require_document_root(outline.root_name);
        pugi::xml_document response;
        pugi::xml_node result =
            response_root(engine.call(prepare_request(bytes, outline.root_name, invocation)), response, "check-result");
        print_check_result(std::cout, path, result, outline, palette);
        return exit_status_of(result.attribute("status").value());
    } catch (const std::exception &e) {
        // Whatever kept this document from being checked, the next ones still are.
        print_check_failure(std::cout, path, e.what(), palette);
        return kExitError;
    }
}

int check_files(const medlint::engine &engine, const Invocation &invocation) {
    Palette palette = Palette::for_stdout();
    int worst = kExitPass;
    for (const auto &path : invocation.files) worst = std::max(worst, check_file(engine, path, invocation, palette));
    return worst;
}

int call_file(const medlint::engine &engine, const std::string &path) {
    std::string response;
    int code = engine.try_call(read_request(path), response);
    std::cout << response;
    if (code == MEDLINT_OK) return kExitPass;
    std::cerr << "medlint: " << path << ": call failed: " << medlint_last_error() << '\n';
    return kExitError;
}

int verify_audit_log(const medlint::engine &engine) {
    pugi::xml_document response;
    pugi::xml_node result = response_root(engine.call("<audit-log-verify/>"), response, "audit-log-verify-result");
    print_audit_verification(std::cout, result, Palette::for_stdout());
    return result.attribute("intact").as_bool() ? kExitPass : kExitBlock;
}

}  // namespace

int run(const Invocation &invocation) {
    if (invocation.help) {
        std::cout << usage(invocation.command);
        return kExitPass;
    }
    if (invocation.version) {
        std::cout << "medlint " << medlint_version() << " (ABI " << medlint_abi_version() << ")\n";
        return kExitPass;
    }
    medlint::engine engine = open_engine(invocation.config);
    switch (*invocation.command) {
        case Command::check:
        case Command::commit: return check_files(engine, invocation);
        case Command::call: return call_file(engine, invocation.files.front());
        case Command::audit_log_verify: return verify_audit_log(engine);
    }
    return kExitError;
}

}  // namespace medlint::cli
