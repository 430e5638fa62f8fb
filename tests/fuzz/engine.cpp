#include "engine.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <boost/json.hpp>
#include <pugixml.hpp>

#include "national.hpp"

namespace fuzz {
namespace {

// The store persists across inputs, as a host's does, but not for ever: work
// over a whole history (audit-log-verify, one of the few patients' records)
// grows with it, and in an hour's run it would turn into timeouts that are
// no defect.  So the engine starts on a new store after this many calls.
constexpr int kCallsPerStore = 20000;

std::string scratch_folder;

void remove_scratch_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_folder, ignored);
}

// An engine with the built-in pack on a new store in a temporary folder,
// which is removed at exit or when the next one opens.
medlint_engine *open_engine() {
    if (scratch_folder.empty()) std::atexit(remove_scratch_folder);
    else remove_scratch_folder();
    std::string folder = (std::filesystem::temp_directory_path() / "medlint-fuzz-XXXXXX").string();
    if (!mkdtemp(folder.data())) defect("no temporary folder for the store", "");
    scratch_folder = folder;
    std::string config = folder + "/medlint.xml";
    std::ofstream(config) << "<medlint><store path=\"store.db\"/></medlint>\n";
    medlint_engine *opened = nullptr;
    if (medlint_open(config.c_str(), &opened) != MEDLINT_OK) defect(std::string("medlint_open: ") + medlint_last_error(), "");
    return opened;
}

// A C0 control character other than tab, LF and CR, raw or as a character
// reference: XML 1.0 forbids them, and hosts' parsers reject the response.
bool has_forbidden_control(std::string_view response) {
    for (size_t at = 0; at < response.size(); ++at) {
        auto byte = static_cast<unsigned char>(response[at]);
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return true;
        if (response.compare(at, 2, "&#") != 0) continue;
        bool hex = at + 2 < response.size() && response[at + 2] == 'x';
        size_t digits = at + (hex ? 3 : 2);
        unsigned long value = std::strtoul(std::string(response.substr(digits, 8)).c_str(), nullptr, hex ? 16 : 10);
        if (value < 0x20 && value != '\t' && value != '\n' && value != '\r') return true;
    }
    return false;
}

// The national envelope's promises (engine.hpp, call).
void check_national_response(int code, std::string_view response) {
    if (code == MEDLINT_EINTERNAL) defect("MEDLINT_EINTERNAL (a bug by the contract)", response);
    boost::json::error_code error;
    boost::json::value answer = boost::json::parse(response, error);
    const boost::json::object *envelope = error ? nullptr : answer.if_object();
    if (!envelope) defect("the answer to a national request is not a JSON object", response);
    const boost::json::value *infcode = envelope->if_contains("infcode");
    if (!infcode || !infcode->is_int64()) defect("the national answer has no whole infcode", response);
    if ((infcode->get_int64() == 0) != (code == MEDLINT_OK))
        defect("return code " + std::to_string(code) + " with infcode " + std::to_string(infcode->get_int64()), response);
    if (code == MEDLINT_OK) return;
    const boost::json::value *message = envelope->if_contains("err_msg");
    if (infcode->get_int64() != -1 || !message || !message->is_string() || message->get_string().empty())
        defect("a failed national call without infcode -1 and an err_msg", response);
    const boost::json::value *output = envelope->if_contains("output");
    if (!output || !output->is_null()) defect("a failed national call with an output", response);
}

}  // namespace

[[noreturn]] void defect(const std::string &what, std::string_view response) {
    std::fprintf(stderr, "medlint fuzz finding: %s\nresponse: %.*s\n", what.c_str(), static_cast<int>(response.size()),
                 response.data());
    std::abort();
}

void check_response(int code, std::string_view response) {
    if (code == MEDLINT_EINTERNAL) defect("MEDLINT_EINTERNAL (a bug by the contract)", response);
    if (has_forbidden_control(response)) defect("a control character that XML 1.0 forbids", response);
    pugi::xml_document xml;
    if (!xml.load_buffer(response.data(), response.size())) defect("the response is not well-formed XML", response);
    pugi::xml_node root = xml.document_element();
    bool error_root = std::string_view(root.name()) == "error";
    if (error_root != (code != MEDLINT_OK)) defect("return code " + std::to_string(code) + " with root <" + root.name() + ">", response);
    if (error_root && root.attribute("code").as_int() != code)
        defect("return code " + std::to_string(code) + " but <error code=\"" + root.attribute("code").value() + "\">", response);
}

medlint_engine *engine() {
    static medlint_engine *opened = nullptr;
    static unsigned long calls = 0;
    if (calls++ % kCallsPerStore == 0) {
        medlint_close(opened);
        opened = open_engine();
    }
    return opened;
}

std::string call(std::string_view request) {
    char *response = nullptr;
    int code = medlint_call(engine(), request.data(), request.size(), &response);
    if (!response) defect("medlint_call set no response (code " + std::to_string(code) + ")", "");
    std::string text(response);
    medlint_free(response);
    if (medlint::is_national(request)) check_national_response(code, text);
    else check_response(code, text);
    return text;
}

}  // namespace fuzz
