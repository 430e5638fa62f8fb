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
#include <vector>

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
const Choices kKinds = {"drug", "test", "exam", "treatment", "material", "service"};
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

std::string escaped(const std::string &text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

class Writer {
public:
    explicit Writer(FuzzedDataProvider &input) : input_(input) {}

    const char *pick(Choices choices) {
        return choices.begin()[input_.ConsumeIntegralInRange<size_t>(0, choices.size() - 1)];
    }
    bool maybe() { return input_.ConsumeBool(); }

    // An attribute with a value from `choices`, now and then absent or a short string of the input's own.
    void attribute(const char *name, Choices choices) {
        switch (input_.ConsumeIntegralInRange(0, 7)) {
            case 0: return;
            case 1: text_ += std::string(" ") + name + "=\"" + escaped(input_.ConsumeRandomLengthString(24)) + "\""; return;
            default: text_ += std::string(" ") + name + "=\"" + pick(choices) + "\"";
        }
    }
    void open(const char *name) { text_ += std::string("<") + name; }
    void close_start() { text_ += ">"; }
    void close_empty() { text_ += "/>"; }
    void end(const char *name) { text_ += std::string("</") + name + ">"; }
    size_t count(size_t most) { return input_.ConsumeIntegralInRange<size_t>(0, most); }
    std::string take() { return std::move(text_); }

private:
    FuzzedDataProvider &input_;
    std::string text_;
};

void identity(Writer &w) {
    w.attribute("id", kIds);
    w.attribute("name", kNames);
    w.attribute("gender", kGenders);
    w.attribute("birth-date", kDates);
}

void document(Writer &w, const char *operation) {
    w.open(operation);
    w.attribute("mode", kModes);
    w.attribute("time", kTimes);
    w.attribute("lang", {"zh", "en"});
    w.attribute("audit", {"immediate", "deferred"});
    w.attribute("response-encoding", {"UTF-8", "GB18030"});
    w.close_start();
    if (w.maybe()) {
        w.open("physician");
        w.attribute("code", kPhysicians);
        w.close_empty();
    }
    w.open("patient");
    w.attribute("id-type", kIdTypes);
    identity(w);
    w.close_start();
    if (w.maybe()) {
        w.open("card");
        w.attribute("source", {"insurance-card", "e-voucher"});
        identity(w);
        w.close_empty();
    }
    w.end("patient");
    w.open("encounter");
    w.attribute("id", kEncounters);
    w.attribute("type", kEncounterTypes);
    w.attribute("admitted", kDates);
    w.attribute("discharged", kDates);
    w.attribute("rescue", kBooleans);
    w.close_start();
    for (size_t n = w.count(3); n > 0; --n) {
        w.open("diagnosis");
        w.attribute("code", kDiagnoses);
        w.attribute("primary", kBooleans);
        w.close_empty();
    }
    w.end("encounter");
    for (size_t n = w.count(6); n > 0; --n) {
        w.open("item");
        w.attribute("id", kItemIds);
        w.attribute("kind", kKinds);
        w.attribute("code", kItemCodes);
        w.attribute("quantity", kQuantities);
        w.attribute("price", kPrices);
        w.attribute("days", kSupplyDays);
        w.attribute("date", kDates);
        w.attribute("physician", kPhysicians);
        w.attribute("discharge-medication", kBooleans);
        w.close_empty();
    }
    for (size_t n = w.count(2); n > 0; --n) {
        w.open("consent");
        w.attribute("signer", kSigners);
        w.attribute("signed", kTimes);
        w.attribute("items", {"1", "2", "1 2", "3 4", ""});
        w.close_empty();
    }
    w.end(operation);
}

void feedback(Writer &w) {
    w.open("feedback");
    w.attribute("physician", kPhysicians);
    w.attribute("time", kTimes);
    w.close_start();
    for (size_t n = w.count(3); n > 0; --n) {
        w.open("finding");
        std::string id = finding_ids[w.count(finding_ids.size() - 1)];
        w.attribute("id", {id.c_str()});
        w.attribute("action", {"override", "accept"});
        w.attribute("reason", {"病情变化", "dose changed", ""});
        w.attribute("reason-code", kReasonCodes);
        w.close_empty();
    }
    w.end("feedback");
}

void ledger(Writer &w) {
    w.open("ledger");
    w.close_start();
    for (size_t n = w.count(4); n > 0; --n) {
        const char *entry = w.pick(kLedgerEntries);
        w.open(entry);
        w.attribute("notice", kNotices);
        w.attribute("physician", kPhysicians);
        w.attribute("date", kDates);
        w.attribute("points", kPoints);
        w.attribute("kind", kSanctions);
        w.attribute("from", kDates);
        w.attribute("to", kDates);
        w.attribute("violation", {"重复检查", ""});
        w.close_empty();
    }
    w.end("ledger");
}

std::string request(Writer &w) {
    switch (w.count(5)) {
        case 0: document(w, "check"); break;
        case 1: document(w, "commit"); break;
        case 2: feedback(w); break;
        case 3: ledger(w); break;
        case 4:
            w.open("retract");
            w.attribute("encounter", kEncounters);
            w.attribute("items", {"1", "2", "1 2", "9", ""});
            w.close_empty();
            break;
        default:
            w.open("physician-status");
            w.attribute("code", kPhysicians);
            w.attribute("date", kDates);
            w.close_empty();
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
