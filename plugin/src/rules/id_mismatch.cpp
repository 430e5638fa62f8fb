// ID-MISMATCH: the record's identity differs from the card read at
// registration, or the id number was committed before with another name,
// gender or birth date (a sign of impersonation).  The store keeps only
// digests of identities (docs/privacy.md), so both comparisons compare
// digests: one notion of "differs", normalisation included.
#include <algorithm>

#include "rule.hpp"

namespace medlint {
namespace {

// The fields that both identities give and that differ.
std::vector<std::string> differing_fields(const IdentityDigest &earlier, const IdentityDigest &now) {
    std::vector<std::string> out;
    auto compare = [&](const char *field, const std::string &a, const std::string &b) {
        if (!a.empty() && !b.empty() && a != b) out.push_back(field);
    };
    compare("name", earlier.name, now.name);
    compare("gender", earlier.gender, now.gender);
    compare("birth-date", earlier.birth_date, now.birth_date);
    return out;
}

std::string field_text(const Identity &identity, const std::string &field) {
    if (field == "name") return identity.name;
    if (field == "gender") return identity.gender;
    return identity.birth_date ? identity.birth_date->str() : "";
}

class IdMismatch : public Rule {
public:
    IdMismatch()
        : Rule({"ID-MISMATCH",
                {{"card-id", {"card-id", "id", "source"}},
                {"card-name", {"card", "record", "source"}},
                {"card-gender", {"card", "record", "source"}},
                {"card-birth-date", {"card", "record", "source"}},
                {"history-name", {"id", "encounter", "date", "record"}},
                {"history-gender", {"id", "encounter", "date", "record"}},
                {"history-birth-date", {"id", "encounter", "date", "record"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Patient &patient = context.document.patient;
        IdentityDigest now = context.history.digest(context.patient_key, patient);
        if (patient.card) check_card(context, now, *patient.card, findings);
        check_history(context, now, findings);
    }

private:
    static void check_card(const RuleContext &context, const IdentityDigest &now, const Card &card,
                           std::vector<Finding> &findings) {
        const Patient &patient = context.document.patient;
        if (!card.id.empty() && card.id != patient.id)
            findings.push_back({"ID-MISMATCH", "card-id", {}, std::nullopt, "verify-identity",
                                {{"card-id", card.id}, {"id", patient.id}, {"source", card.source}}});
        for (const auto &field : differing_fields(context.history.digest(context.patient_key, card), now))
            findings.push_back({"ID-MISMATCH", "card-" + field, {}, std::nullopt, "verify-identity",
                                {{"card", field_text(card, field)},
                                 {"record", field_text(patient, field)},
                                 {"source", card.source}}});
    }

    // The earlier record is cited by its encounter and date: the store cannot quote what it was.
    static void check_history(const RuleContext &context, const IdentityDigest &now, std::vector<Finding> &findings) {
        const Patient &patient = context.document.patient;
        std::vector<std::string> reported;
        for (const auto &seen : context.history.identities(context.patient_key, context.document.encounter.id)) {
            for (const auto &field : differing_fields(seen.digest, now)) {
                std::string variant = "history-" + field;
                if (std::find(reported.begin(), reported.end(), variant) != reported.end()) continue;
                reported.push_back(variant);
                findings.push_back({"ID-MISMATCH", variant, {}, Certainty::suspected, "verify-identity",
                                    {{"id", patient.id},
                                     {"encounter", encounter_label(context.document, seen)},
                                     {"date", seen.date.str()},
                                     {"record", field_text(patient, field)}}});
            }
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_id_mismatch() { return std::make_unique<IdMismatch>(); }

}  // namespace medlint
