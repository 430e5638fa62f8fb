// LIMIT-INDICATION: an item the insurance pays only for some diagnoses
// (catalog column `indications`, ICD-10 code prefixes) in an encounter none
// of whose diagnoses starts with one of them.  When a diagnosis that does not
// match is not an ICD-10 code (HIS traffic often carries local codes), the
// indication cannot be judged: one info finding says so for all such items.
#include <algorithm>

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

std::string joined(const std::vector<std::string> &parts, const char *separator = " ") {
    std::string out;
    for (const auto &part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

class LimitIndication : public Rule {
public:
    LimitIndication() : Rule({"LIMIT-INDICATION", variants(), kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const auto &diagnoses = context.document.encounter.diagnoses;
        std::vector<std::string> codes, local;
        for (const auto &diagnosis : diagnoses) {
            codes.push_back(diagnosis.code);
            if (!is_icd10(diagnosis.code)) local.push_back(diagnosis.code);
        }
        Finding unjudged{"LIMIT-INDICATION", "unjudged", {}, Certainty::suspected, "review", {}};
        std::vector<std::string> unjudged_items;
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (!entry || entry->indications.empty() || indicated(*entry, diagnoses)) continue;
            if (!local.empty()) {  // the diagnosis that qualifies may be among those codes
                unjudged.items.push_back(item.id);
                unjudged_items.push_back(item_label(item));
                append_new(unjudged.knowledge_points, entry->indications_kp);
                continue;
            }
            findings.push_back(restriction_finding(context.document, item, "LIMIT-INDICATION",
                                                   diagnoses.empty() ? "no-diagnosis" : "outside",
                                                   {{"indications", joined(entry->indications)},
                                                    {"diagnoses", joined(codes)}},
                                                   entry->indications_kp));
        }
        if (unjudged.items.empty()) return;
        unjudged.params = {{"items", joined(unjudged_items, "、")}, {"diagnoses", joined(codes)},
                           {"local", joined(local)}};
        unjudged.mitigated = true;  // nothing the record shows is wrong: info, no points at risk
        findings.push_back(std::move(unjudged));
    }

private:
    static std::vector<VariantDeclaration> variants() {
        auto declared = restriction_variants({{"outside", {"item", "indications", "diagnoses"}},
                                              {"no-diagnosis", {"item", "indications"}}});
        declared.push_back({"unjudged", {"items", "diagnoses", "local"}});
        return declared;
    }

    static void append_new(std::vector<std::string> &to, const std::vector<std::string> &from) {
        for (const auto &value : from)
            if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_indication() { return std::make_unique<LimitIndication>(); }

}  // namespace medlint
