// Valid documents: the input chooses an operation and fills its attributes
// and items from small sets of real codes of the default pack and of edge
// values, so that nearly every input passes the parser and reaches the rules
// and the store.  The store persists across inputs: commits build history
// that later checks, feedback, retractions and ledgers meet.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "../xml_text.hpp"
#include "engine.hpp"

namespace {

using Choices = std::initializer_list<const char *>;

const Choices kItemCodes = {
    "XA10BAA002A001010101445", "XA10BAA002A001010201445", "XA10BDE083A001010104522", "XC08CAA033A001010100237",
    "XC09DXS255A001010101606", "XJ01CAA040E001010101234", "XM01AEB094A001010101231", "XG04CBF019A006010100320",
    "XG03DAH124B002010103315", "XN06BAK062A010010180923", "ZA12HAY0771010101463", "001101000010000",
    "001103000010000", "001104000010000", "001204000010000", "002501010150000", "002501010010000",
    "002503020030000", "002503020030100", "002102000010000", "002202010010000", "003107010010000",
    "C0201010010000000001", "NOT-IN-CATALOG", ""};
const Choices kKinds = {"drug", "herb", "test", "exam", "treatment", "material", "service"};
const Choices kDiagnoses = {"E11.900", "E11.200", "I10.x00", "I50", "M54.500", "K35.800", "Z51.100", "Z51.0",
                            "Z49", "N40", "F90", "I63", "O80", "e119", ""};
const Choices kPhysicians = {"D522701000123", "D522701000315", "D522701000456", "D522723000031", "12345", ""};
const Choices kIdTypes = {"resident-id", "passport", "permit", "birth-cert", "other"};
const Choices kIds = {"522701195612030026", "522702195202140085", "522732198506140035", "522701196610300066",
                      "52270119561203002x", "522701195612030027", "522701561203002", "P-12345", ""};
const Choices kNames = {"王秀英", "王建军", "王 秀英", "Zhang San", "", "&amp;&lt;"};
const Choices kGenders = {"M", "F", "U", "1", "2", "0", "9", "X"};
const Choices kDates = {"2026-11-23", "2026-11-20", "2026-11-01", "2026-01-01", "2025-12-31", "2024-02-29",
                        "1956-12-03", "1800-01-01", "9999-12-31", "9997-06-01", "2026-02-30", "2026-11-2", ""};
const Choices kTimes = {"2026-11-23T09:30:00+08:00", "2026-11-23T23:59:59Z", "2026-11-24T00:00:00-12:00",
                        "1800-01-01T00:00:00+14:00", "9999-12-31T23:59:59+08:00", "2026-11-23T25:00:00+08:00", ""};
const Choices kQuantities = {"1", "2", "0", "-1", "0.5", "30", "1e10", "1e300", "NaN", "inf", ""};
const Choices kPrices = {"10.00", "0", "7.50", "480.00", "-5", "1e300", "99999999999", "0.001", ""};
const Choices kSupplyDays = {"0", "3", "7", "8", "28", "29", "3650", "3651", "-1", ""};
const Choices kEncounters = {"MZ1", "MZ2", "MZ3", "ZY1", "ZY2", ""};
const Choices kEncounterTypes = {"outpatient", "emergency", "inpatient"};
const Choices kBooleans = {"true", "false", "1", "0", "yes"};
const Choices kModes = {"prescribing", "preaudit", "settlement"};
const Choices kSigners = {"patient", "guardian", "relative"};
const Choices kReasonCodes = {"condition-changed", "no-reference-value", "patient-request", "dose-adjusted", "other",
                              "unknown", ""};
const Choices kLedgerEntries = {"deduction", "bonus", "repair", "reversal", "sanction"};
const Choices kSanctions = {"interview", "suspension", "termination"};
const Choices kNotices = {"N1", "N2", "N3", "N4"};
const Choices kPoints = {"1", "3", "6", "9", "12", "0", "13"};
const Choices kItemIds = {"1", "2", "3", "4"};

// Finding ids from earlier responses, so that feedback names real findings.
std::vector<std::string> finding_ids = {"f-0000000000000000"};

// An element's attributes: each name with the values it may take.
using Attributes = std::initializer_list<std::pair<const char *, Choices>>;

class Writer {
public:
    explicit Writer(FuzzedDataProvider &input) : input_(input) {}

    const char *pick(Choices choices) {
        return choices.begin()[input_.ConsumeIntegralInRange<size_t>(0, choices.size() - 1)];
    }
    bool maybe() { return input_.ConsumeBool(); }
    size_t count(size_t most) { return input_.ConsumeIntegralInRange<size_t>(0, most); }

    // <name ...>; each attribute now and then absent or a short string of the input's own.
    void start(const char *name, Attributes attributes) {
        text_ += std::string("<") + name;
        for (const auto &[attribute, choices] : attributes) {
            switch (input_.ConsumeIntegralInRange(0, 7)) {
                case 0: break;
                case 1: add(attribute, test_xml::escaped(input_.ConsumeRandomLengthString(24))); break;
                default: add(attribute, pick(choices));
            }
        }
        text_ += ">";
    }
    void end(const char *name) { text_ += std::string("</") + name + ">"; }
    void empty(const char *name, Attributes attributes) {
        start(name, attributes);
        end(name);
    }
    std::string take() { return std::move(text_); }

private:
    void add(const char *attribute, const std::string &value) { text_ += std::string(" ") + attribute + "=\"" + value + "\""; }

    FuzzedDataProvider &input_;
    std::string text_;
};

void document(Writer &w, const char *operation) {
    w.start(operation, {{"mode", kModes},
                        {"time", kTimes},
                        {"lang", {"zh", "en"}},
                        {"audit", {"immediate", "deferred"}},
                        {"response-encoding", {"UTF-8", "GB18030"}}});
    if (w.maybe()) w.empty("physician", {{"code", kPhysicians}});
    w.start("patient", {{"id-type", kIdTypes}, {"id", kIds}, {"name", kNames}, {"gender", kGenders}, {"birth-date", kDates}});
    if (w.maybe())
        w.empty("card", {{"source", {"insurance-card", "e-voucher"}}, {"id", kIds}, {"name", kNames}, {"gender", kGenders},
                         {"birth-date", kDates}});
    w.end("patient");
    w.start("encounter", {{"id", kEncounters},
                          {"type", kEncounterTypes},
                          {"admitted", kDates},
                          {"discharged", kDates},
                          {"rescue", kBooleans}});
    for (size_t n = w.count(3); n > 0; --n) w.empty("diagnosis", {{"code", kDiagnoses}, {"primary", kBooleans}});
    w.end("encounter");
    for (size_t n = w.count(6); n > 0; --n)
        w.empty("item", {{"id", kItemIds},
                         {"kind", kKinds},
                         {"code", kItemCodes},
                         {"quantity", kQuantities},
                         {"price", kPrices},
                         {"days", kSupplyDays},
                         {"date", kDates},
                         {"physician", kPhysicians},
                         {"prescription", {"RX1", "RX2", ""}},
                         {"insurance-class", {"A", "B", "C", "", "D"}},
                         {"discharge-medication", kBooleans}});
    for (size_t n = w.count(2); n > 0; --n)
        w.empty("consent", {{"signer", kSigners}, {"signed", kTimes}, {"items", {"1", "2", "1 2", "3 4", ""}}});
    w.end(operation);
}

void feedback(Writer &w) {
    w.start("feedback", {{"physician", kPhysicians}, {"time", kTimes}});
    for (size_t n = w.count(3); n > 0; --n) {
        const std::string &id = finding_ids[w.count(finding_ids.size() - 1)];
        w.empty("finding", {{"id", {id.c_str()}},
                            {"action", {"override", "accept"}},
                            {"reason", {"病情变化", "dose changed", ""}},
                            {"reason-code", kReasonCodes}});
    }
    w.end("feedback");
}

void ledger(Writer &w) {
    w.start("ledger", {});
    for (size_t n = w.count(4); n > 0; --n)
        w.empty(w.pick(kLedgerEntries), {{"notice", kNotices},
                                         {"physician", kPhysicians},
                                         {"date", kDates},
                                         {"points", kPoints},
                                         {"kind", kSanctions},
                                         {"from", kDates},
                                         {"to", kDates},
                                         {"violation", {"重复检查", ""}}});
    w.end("ledger");
}

std::string request(Writer &w) {
    switch (w.count(5)) {
        case 0: document(w, "check"); break;
        case 1: document(w, "commit"); break;
        case 2: feedback(w); break;
        case 3: ledger(w); break;
        case 4: w.empty("retract", {{"encounter", kEncounters}, {"items", {"1", "2", "1 2", "9", ""}}}); break;
        default: w.empty("physician-status", {{"code", kPhysicians}, {"date", kDates}});
    }
    return w.take();
}

void remember_finding_ids(const std::string &response) {
    for (size_t at = response.find("id=\"f-"); at != std::string::npos; at = response.find("id=\"f-", at + 1)) {
        size_t end = response.find('"', at + 4);
        if (end == std::string::npos) break;
        if (finding_ids.size() >= 64) finding_ids.erase(finding_ids.begin() + 1);
        finding_ids.push_back(response.substr(at + 4, end - at - 4));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider input(data, size);
    Writer writer(input);
    remember_finding_ids(fuzz::call(request(writer)));
    return 0;
}
