#include "commands.hpp"

#include <medlint/medlint.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "audit.hpp"
#include "catalog_import.hpp"
#include "render.hpp"
#include "request_files.hpp"
#include "request_text.hpp"
#include "serve.hpp"
#include "store_copy.hpp"

namespace medlint::cli {
namespace {

// The one operation a command's files may perform, whatever they hold: the
// engine reads each file's root and refuses any other, so that a file
// disguised by a DOCTYPE, a comment or its encoding cannot make check import
// a ledger.  commit records a <check> too; audit checks every document, and
// records it only with --commit.
const char *operation_of(const Invocation &invocation) {
    switch (*invocation.command) {
        case Command::commit: return "commit";
        case Command::audit: return invocation.commit ? "commit" : "check";
        case Command::ledger_import: return "ledger";
        default: return "check";
    }
}

// The request as the command sends it.  A response-encoding is turned to
// UTF-8, the only encoding this tool reads; otherwise the bytes stay as they
// are, so that the engine's error positions point into the file.
std::string prepare_request(std::string_view bytes, const Invocation &invocation) {
    std::string request(bytes);
    bool audit = invocation.command == Command::audit;
    // An audit is the insurance department's review: every rule runs.
    std::optional<std::string> mode = audit ? "preaudit" : invocation.mode;
    if (mode) request = with_root_attribute(request, "mode", *mode);
    // A batch's check audit rows are written in groups, not one transaction each.
    if (audit && !invocation.commit) request = with_root_attribute(request, "audit", "deferred");
    if (invocation.lang) request = with_root_attribute(request, "lang", *invocation.lang);
    if (has_root_attribute(request, "response-encoding"))
        request = with_root_attribute(request, "response-encoding", "UTF-8");
    return request;
}

}  // namespace

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

pugi::xml_node response_root(const std::string &response, pugi::xml_document &document, const std::string &expected) {
    if (!document.load_buffer(response.data(), response.size(), pugi::parse_default, pugi::encoding_utf8))
        throw std::runtime_error("the engine's response is not well-formed XML");
    std::string root = document.document_element().name();
    if (root != expected) throw std::runtime_error("the engine answered <" + root + ">, not <" + expected + ">");
    return document.document_element();
}

std::string send_file(const medlint::engine &engine, std::string_view bytes, const Invocation &invocation) {
    // A national envelope goes as the <check> the library translates it to,
    // so that the tool reads and reports the XML result as for any file.
    std::string request = is_national_request(bytes) ? engine.translate(bytes) : std::string(bytes);
    return engine.call_as(operation_of(invocation), prepare_request(request, invocation));
}

std::string operation_request(const char *name, const std::vector<std::pair<const char *, std::string>> &attributes) {
    pugi::xml_document document;
    pugi::xml_node root = document.append_child(name);
    for (const auto &[attribute, value] : attributes) root.append_attribute(attribute) = value.c_str();
    std::ostringstream text;
    document.save(text, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    return text.str();
}

int exit_status_of(std::string_view status) {
    if (status == "pass" || status == "info") return kExitPass;
    if (status == "warning") return kExitWarning;
    if (status == "block") return kExitBlock;
    return kExitError;  // a status this tool does not know is not a pass
}

namespace {

int check_file(const medlint::engine &engine, const std::string &path, const Invocation &invocation,
               const Palette &palette) {
    try {
        std::string bytes = read_request(path);
        pugi::xml_document response;
        pugi::xml_node result = response_root(send_file(engine, bytes, invocation), response, "check-result");
        print_check_result(std::cout, path, result, palette);
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
    for (const auto &path : invocation.operands) worst = std::max(worst, check_file(engine, path, invocation, palette));
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

int translate_file(const medlint::engine &engine, const std::string &path) {
    try {
        std::cout << engine.translate(read_request(path));
        return kExitPass;
    } catch (const std::exception &e) {
        std::cerr << "medlint: " << path << ": not translated: " << e.what() << '\n';
        return kExitError;
    }
}

int verify_audit_log(const medlint::engine &engine) {
    pugi::xml_document response;
    pugi::xml_node result = response_root(engine.call("<audit-log-verify/>"), response, "audit-log-verify-result");
    print_audit_verification(std::cout, result, Palette::for_stdout());
    return result.attribute("intact").as_bool() ? kExitPass : kExitBlock;
}

int validate_pack(const medlint::engine &engine, const std::string &folder) {
    Palette palette = Palette::for_stdout();
    std::string response;
    // A refused pack is this command's answer, not a failure of the run.
    bool refused = engine.try_call(operation_request("pack-validate", {{"path", folder}}), response) != MEDLINT_OK;
    pugi::xml_document document;
    if (refused) {
        print_pack_refusal(std::cout, folder, response_root(response, document, "error"), palette);
        return kExitError;
    }
    print_pack_validation(std::cout, folder, response_root(response, document, "pack-validate-result"), palette);
    return kExitPass;
}

// The engine counts days in China Standard Time (UTC+8, no summer time), and
// so does the day the tool reports on by default.
std::string today_in_china() {
    std::time_t now = std::time(nullptr) + 8 * 60 * 60;
    std::tm day{};
    gmtime_r(&now, &day);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d", &day);
    return text;
}

int exit_status_of_standing(std::string_view standing) {
    if (standing == "active") return kExitPass;
    if (standing == "warned") return kExitWarning;
    if (standing == "suspended" || standing == "terminated") return kExitBlock;
    return kExitError;  // a standing this tool does not know is not a pass
}

// Prints the physician's year as of `date` and returns the exit status of the standing.
int print_points(const medlint::engine &engine, const std::string &code, const std::string &date,
                 const Palette &palette) {
    pugi::xml_document response;
    pugi::xml_node status =
        response_root(engine.call(operation_request("physician-status", {{"code", code}, {"date", date}})), response,
                      "physician-status-result");
    print_physician_status(std::cout, status, date, status.attribute("profile").value(), palette);
    return exit_status_of_standing(status.attribute("standing").value());
}

int show_points(const medlint::engine &engine, const Invocation &invocation) {
    return print_points(engine, invocation.operands.front(), invocation.date.value_or(today_in_china()),
                        Palette::for_stdout());
}

// A year's table is shown as of today, or, for entries of another year, as of
// that year's last day, so that it holds them.
std::string day_to_report(int year, const std::string &today) {
    return std::to_string(year) == today.substr(0, 4) ? today : std::to_string(year) + "-12-31";
}

int import_ledger(const medlint::engine &engine, const Invocation &invocation) {
    const std::string &path = invocation.operands.front();
    Palette palette = Palette::for_stdout();
    std::string bytes = read_request(path);
    pugi::xml_document response;
    try {
        print_ledger_import(std::cout, path, response_root(send_file(engine, bytes, invocation), response, "ledger-result"),
                            palette);
    } catch (const std::exception &e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::string today = today_in_china();
    for (const auto &physician : ledger_physicians(bytes))
        for (int year : physician.years) {
            std::cout << '\n';
            print_points(engine, physician.code, day_to_report(year, today), palette);
        }
    return kExitPass;
}

// Reads the export, writes the hospital pack when every row is good, and has
// the engine validate what was written.
int import_catalog_file(const medlint::engine &engine, const Invocation &invocation) {
    const std::string &path = invocation.operands.front();
    if (!invocation.out) throw UsageError("catalog import needs --out DIR, the hospital pack's folder to write");
    std::string id = invocation.pack_id.value_or("hospital");
    if (id.empty() || id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                          std::string::npos)
        throw UsageError("--id \"" + id + "\": a pack id is letters, digits, '.', '_' and '-'");
    ImportedCatalog catalog;
    try {
        catalog = import_catalog(read_request(path));
    } catch (const CatalogImportError &e) {
        std::cerr << path << ": not imported, nothing written:\n" << e.what() << '\n';
        return kExitError;
    }
    write_hospital_pack(*invocation.out, id, today_in_china(),
                        invocation.complete, catalog);
    std::cout << path << ": " << catalog.rows << " national codes written to " << *invocation.out << "/catalog.csv\n";
    return validate_pack(engine, *invocation.out);
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
    // serve checks its options, the token file and the address before it opens the engine.
    if (*invocation.command == Command::serve) return serve(invocation);
    // store copy opens an engine on the store it copies, not on a configuration.
    if (*invocation.command == Command::store_copy) return copy_store(invocation);
    medlint::engine engine = open_engine(invocation.config);
    switch (*invocation.command) {
        case Command::check:
        case Command::commit: return check_files(engine, invocation);
        case Command::audit: return audit(engine, invocation);
        case Command::call: return call_file(engine, invocation.operands.front());
        case Command::translate: return translate_file(engine, invocation.operands.front());
        case Command::pack_validate: return validate_pack(engine, invocation.operands.front());
        case Command::ledger_import: return import_ledger(engine, invocation);
        case Command::catalog_import: return import_catalog_file(engine, invocation);
        case Command::points: return show_points(engine, invocation);
        case Command::audit_log_verify: return verify_audit_log(engine);
        case Command::serve:
        case Command::store_copy: break;
    }
    return kExitError;
}

}  // namespace medlint::cli
