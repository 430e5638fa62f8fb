// The national JSON envelope (docs/nhsa.md): any bytes, given to
// medlint_call as a 3101/3102/3103 request and to medlint_translate.  Both
// answers keep the promises of engine.hpp, and the two paths agree:
// - an envelope the library reads as a check translates to a <check> that
//   reads back as the same request, field by field, and is checked to the
//   same findings under the same ids (or fails with the same code);
// - a 3103 is refused by medlint_translate for its root, <feedback>;
// - anything else the library cannot read, medlint_translate refuses too.
#include <boost/json.hpp>
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../document_differences.hpp"
#include "engine.hpp"
#include "error.hpp"
#include "national.hpp"
#include "request.hpp"

namespace {

using Findings = std::vector<std::pair<std::string, std::string>>;  // (rule, id) in order

Findings findings_of_national(const std::string &answer) {
    Findings out;
    boost::json::value envelope = boost::json::parse(answer);
    for (const auto &result : envelope.at("output").at("result").as_array())
        out.emplace_back(result.at("rule_id").as_string().c_str(), result.at("jr_id").as_string().c_str());
    return out;
}

Findings findings_of_xml(const std::string &answer) {
    pugi::xml_document xml;
    xml.load_string(answer.c_str());
    Findings out;
    for (auto finding : xml.document_element().children("finding"))
        out.emplace_back(finding.attribute("rule").value(), finding.attribute("id").value());
    return out;
}

int return_code(const std::string &national_answer) {
    return static_cast<int>(boost::json::parse(national_answer).at("infcode").as_int64());
}

// The request the library reads from the envelope, or nothing when it refuses it.
std::optional<medlint::Request> read_envelope(std::string_view bytes) {
    try {
        return medlint::parse_national_request(bytes);
    } catch (const medlint::Error &) {
        return std::nullopt;
    }
}

// The <check> the library reads from its translation.
medlint::Document read_translation(const std::string &translation) {
    try {
        return std::get<medlint::Document>(medlint::parse_request(translation, std::nullopt).operation);
    } catch (const medlint::Error &e) {
        fuzz::defect(std::string("the translation is refused: ") + e.what(), translation);
    }
}

void check_translation(const medlint::Document &direct, const std::string &national_answer, const std::string &translation) {
    medlint::Document back = read_translation(translation);
    test::DocumentDifferences differences(direct, back);
    if (!differences.list().empty())
        fuzz::defect("the translation reads back otherwise:\n" + differences.text(), translation);
    std::string xml_answer = fuzz::call(translation);
    pugi::xml_document xml;
    xml.load_string(xml_answer.c_str());
    bool xml_failed = std::string_view(xml.document_element().name()) == "error";
    bool national_failed = return_code(national_answer) != 0;
    if (xml_failed != national_failed) fuzz::defect("the envelope and its translation fare otherwise", xml_answer);
    if (!xml_failed && findings_of_xml(xml_answer) != findings_of_national(national_answer))
        fuzz::defect("the translation's findings are not the envelope's:\n" + national_answer, xml_answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char *>(data), size);
    std::string national_answer = fuzz::call(bytes);
    char *response = nullptr;
    int code = medlint_translate(fuzz::engine(), bytes.data(), bytes.size(), &response);
    if (!response) fuzz::defect("medlint_translate set no response (code " + std::to_string(code) + ")", "");
    std::string translation(response);
    medlint_free(response);
    fuzz::check_response(code, translation);

    std::optional<medlint::Request> request = medlint::is_national(bytes) ? read_envelope(bytes) : std::nullopt;
    if (!request) {
        if (code != MEDLINT_EPARSE) fuzz::defect("a request the library cannot read is translated", translation);
    } else if (const auto *document = std::get_if<medlint::Document>(&request->operation)) {
        if (code != MEDLINT_OK) fuzz::defect("a check the library reads is not translated", translation);
        check_translation(*document, national_answer, translation);
    } else {
        pugi::xml_document error;
        error.load_string(translation.c_str());
        if (code != MEDLINT_EPARSE || std::string_view(error.document_element().attribute("root").value()) != "feedback")
            fuzz::defect("a 3103 is not refused as <feedback>", translation);
    }
    return 0;
}
