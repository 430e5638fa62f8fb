// LIMIT-INDICATION: an item the insurance pays only for some diagnoses
// (catalog column `indications`, ICD-10 code prefixes) in an encounter none
// of whose diagnoses starts with one of them.
#include "rule.hpp"

namespace medlint {
namespace {

bool indicated(const CatalogEntry &entry, const std::vector<Diagnosis> &diagnoses) {
    for (const auto &diagnosis : diagnoses) {
        std::string code = normalised_code(diagnosis.code);
        for (const auto &prefix : entry.indications) {
            std::string start = normalised_code(prefix);
            if (code.compare(0, start.size(), start) == 0) return true;
        }
    }
    return false;
}

std::string joined(const std::vector<std::string> &parts) {
    std::string out;
    for (const auto &part : parts) out += (out.empty() ? "" : " ") + part;
    return out;
}

class LimitIndication : public Rule {
public:
    LimitIndication()
        : Rule({"LIMIT-INDICATION",
                restriction_variants({{"outside", {"item", "indications", "diagnoses"}},
                                      {"no-diagnosis", {"item", "indications"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const auto &diagnoses = context.document.encounter.diagnoses;
        std::vector<std::string> codes;
        for (const auto &diagnosis : diagnoses) codes.push_back(diagnosis.code);
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (!entry || entry->indications.empty() || indicated(*entry, diagnoses)) continue;
            findings.push_back(restriction_finding(context.document, item, "LIMIT-INDICATION",
                                                   diagnoses.empty() ? "no-diagnosis" : "outside",
                                                   {{"indications", joined(entry->indications)},
                                                    {"diagnoses", joined(codes)}}));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_indication() { return std::make_unique<LimitIndication>(); }

}  // namespace medlint
