// ID-MISMATCH: the record's identity differs from the card read at
// registration, or the id number was committed before with another name,
// gender or birth date (a sign of impersonation).
#include <algorithm>

#include "rule.hpp"

namespace medlint {
namespace {

// Names compare without ASCII or ideographic spaces, which HIS entry adds freely.
std::string comparable_name(const std::string &name) {
    std::string out;
    for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == ' ' || name[i] == '\t') continue;
        if (name.compare(i, 3, "\xE3\x80\x80") == 0) { i += 2; continue; }
        out += name[i];
    }
    return out;
}

struct Difference {
    const char *field;
    std::string earlier, now;
};

std::vector<Difference> differences(const Identity &now, const std::string &name, const std::string &gender,
                                    const std::optional<Date> &birth_date) {
    std::vector<Difference> out;
    if (!name.empty() && !now.name.empty() && comparable_name(name) != comparable_name(now.name))
        out.push_back({"name", name, now.name});
    if (gender != "U" && now.gender != "U" && gender != now.gender) out.push_back({"gender", gender, now.gender});
    if (birth_date && now.birth_date && *birth_date != *now.birth_date)
        out.push_back({"birth-date", birth_date->str(), now.birth_date->str()});
    return out;
}

class IdMismatch : public Rule {
public:
    IdMismatch()
        : Rule({"ID-MISMATCH",
                {{"card-id", {"card-id", "id", "source"}},
                {"card-name", {"card", "record", "source"}},
                {"card-gender", {"card", "record", "source"}},
                {"card-birth-date", {"card", "record", "source"}},
                {"history-name", {"id", "encounter", "earlier", "record"}},
                {"history-gender", {"id", "encounter", "earlier", "record"}},
                {"history-birth-date", {"id", "encounter", "earlier", "record"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Patient &patient = context.document.patient;
        if (patient.card) check_card(patient, *patient.card, findings);
        check_history(context, findings);
    }

private:
    static void check_card(const Patient &patient, const Card &card, std::vector<Finding> &findings) {
        if (!card.id.empty() && card.id != patient.id)
            findings.push_back({"ID-MISMATCH", "card-id", {}, std::nullopt, "verify-identity",
                                {{"card-id", card.id}, {"id", patient.id}, {"source", card.source}}});
        for (const auto &difference : differences(patient, card.name, card.gender, card.birth_date))
            findings.push_back({"ID-MISMATCH", std::string("card-") + difference.field, {}, std::nullopt, "verify-identity",
                                {{"card", difference.earlier}, {"record", difference.now}, {"source", card.source}}});
    }

    static void check_history(const RuleContext &context, std::vector<Finding> &findings) {
        const Patient &patient = context.document.patient;
        std::vector<std::string> reported;
        for (const auto &seen : context.history.identities(context.patient_key, context.document.encounter.id)) {
            for (const auto &difference : differences(patient, seen.name, seen.gender, seen.birth_date)) {
                std::string variant = std::string("history-") + difference.field;
                if (std::find(reported.begin(), reported.end(), variant) != reported.end()) continue;
                reported.push_back(variant);
                findings.push_back({"ID-MISMATCH", variant, {}, Certainty::suspected, "verify-identity",
                                    {{"id", patient.id}, {"encounter", seen.encounter},
                                     {"earlier", difference.earlier}, {"record", difference.now}}});
            }
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_id_mismatch() { return std::make_unique<IdMismatch>(); }

}  // namespace medlint
