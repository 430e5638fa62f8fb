// CONSENT-MISSING: a class C (wholly self-paid) or non-catalog item without a
// signed consent covering it, outside emergency and rescue care.
#include <algorithm>

#include "rule.hpp"

namespace medlint {
namespace {

bool covers(const Consent &consent, const Item &item) {
    return std::find(consent.items.begin(), consent.items.end(), item.id) != consent.items.end();
}

bool is_signed(const Consent &consent) { return !consent.signer.empty() && !consent.signed_time.empty(); }

class ConsentMissing : public Rule {
public:
    std::string_view id() const override { return "CONSENT-MISSING"; }

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Document &document = context.document;
        // Without any catalog every item would look non-catalog: say nothing rather than noise.
        if (document.encounter.exempt_as_emergency() || !context.knowledge.has_catalog()) return;
        for (const auto &item : document.items) {
            const CatalogEntry *entry = context.knowledge.catalog(item.code);
            if (entry && entry->item_class != "C") continue;
            bool signed_consent = false, unsigned_consent = false;
            for (const auto &consent : document.consents) {
                if (!covers(consent, item)) continue;
                (is_signed(consent) ? signed_consent : unsigned_consent) = true;
            }
            if (signed_consent) continue;
            const char *variant = unsigned_consent ? "unsigned" : entry ? "class-c" : "non-catalog";
            findings.push_back({"CONSENT-MISSING", variant, {item.id}, "", "obtain-consent",
                                {{"item", item_label(item)}, {"code", item.code}}});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_consent_missing() { return std::make_unique<ConsentMissing>(); }

}  // namespace medlint
