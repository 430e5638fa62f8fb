// CONSENT-MISSING: a self-paid item without a signed consent covering it,
// outside emergency and rescue care.  Self-paid is class C, as the HIS's
// item/@insurance-class says or else the catalogues, or a code no catalogue
// holds when a loaded catalogue is complete.  Without a complete catalogue
// such a code is unknown, not self-paid, and needs nothing.
#include "rule.hpp"

namespace medlint {
namespace {

class ConsentMissing : public Rule {
public:
    ConsentMissing()
        : Rule({"CONSENT-MISSING",
                {{"class-c", {"item"}}, {"non-catalog", {"item", "code"}}, {"unsigned", {"item"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Document &document = context.document;
        if (document.encounter.exempt_as_emergency()) return;
        for (const auto &item : document.items) {
            LineClass line = line_class(context.knowledge, item);
            bool class_c = line.item_class == "C";
            bool non_catalog = line.item_class.empty() && !line.known() && context.knowledge.catalog_complete();
            if (!class_c && !non_catalog) continue;
            ConsentState consent = consent_for(document, item);
            if (consent == ConsentState::is_signed) continue;
            const char *variant = consent == ConsentState::unsigned_only ? "unsigned"
                                  : class_c                               ? "class-c"
                                                                          : "non-catalog";
            findings.push_back({"CONSENT-MISSING", variant, {item.id}, std::nullopt, "obtain-consent",
                                {{"item", item_label(item)}, {"code", item.code}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_consent_missing() { return std::make_unique<ConsentMissing>(); }

}  // namespace medlint
