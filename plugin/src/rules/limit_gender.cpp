// LIMIT-GENDER: an item the insurance pays for one gender only (catalog
// column `gender`), billed for a patient of the other.  A record of unknown
// gender takes it from a valid resident-id number.
#include "rule.hpp"

namespace medlint {
namespace {

class LimitGender : public Rule {
public:
    LimitGender()
        : Rule({"LIMIT-GENDER",
                restriction_variants({{"male-only", {"item", "code"}}, {"female-only", {"item", "code"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const std::string gender = known_gender(context);
        if (gender.empty()) return;  // unknown: nothing to compare
        for (const auto &item : context.document.items) {
            const CatalogEntry *entry = paid_catalog_entry(context.knowledge, item);
            if (!entry || entry->gender.empty() || entry->gender == gender) continue;
            findings.push_back(restriction_finding(context.document, item, "LIMIT-GENDER",
                                                   entry->gender == "M" ? "male-only" : "female-only",
                                                   {{"code", item.code}}, entry->gender_kp));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_gender() { return std::make_unique<LimitGender>(); }

}  // namespace medlint
