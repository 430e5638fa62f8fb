// CONSENT-MISSING: a class C (wholly self-paid) or non-catalog item without a
// signed consent covering it, outside emergency and rescue care.
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
        // Without any catalog every item would look non-catalog: say nothing rather than noise.
        if (document.encounter.exempt_as_emergency() || !context.knowledge.has_catalog()) return;
        for (const auto &item : document.items) {
            const CatalogEntry *entry = context.knowledge.catalog(item.code);
            if (entry && entry->item_class != "C") continue;
            ConsentState consent = consent_for(document, item);
            if (consent == ConsentState::is_signed) continue;
            const char *variant = consent == ConsentState::unsigned_only ? "unsigned"
                                  : entry                                 ? "class-c"
                                                                          : "non-catalog";
            findings.push_back({"CONSENT-MISSING", variant, {item.id}, std::nullopt, "obtain-consent",
                                {{"item", item_label(item)}, {"code", item.code}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_consent_missing() { return std::make_unique<ConsentMissing>(); }

}  // namespace medlint
