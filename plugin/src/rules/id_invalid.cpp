// ID-INVALID: a resident-id number that is malformed, fails GB 11643, or
// disagrees with the recorded gender or birth date.
#include "../resident_id.hpp"
#include "rule.hpp"

namespace medlint {
namespace {

class IdInvalid : public Rule {
public:
    IdInvalid()
        : Rule({"ID-INVALID",
                {{"malformed", {"id"}},
                {"region", {"id", "region"}},
                {"birth-date", {"id", "digits"}},
                {"check-digit", {"id", "expected", "actual"}},
                {"gender", {"id", "id-gender", "recorded-gender"}},
                {"birth-date-differs", {"id", "id-birth-date", "recorded-birth-date"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Patient &patient = context.document.patient;
        if (patient.id_type != "resident-id") return;
        ResidentIdFacts facts = inspect_resident_id(patient.id, context.today);
        auto report = [&](const char *variant, std::vector<std::pair<std::string, std::string>> params) {
            params.emplace_back("id", patient.id);
            findings.push_back({"ID-INVALID", variant, {}, std::nullopt, "verify-identity", std::move(params)});
        };
        using Problem = ResidentIdFacts::Problem;
        switch (facts.problem) {
            case Problem::malformed: return report("malformed", {});
            case Problem::region: return report("region", {{"region", patient.id.substr(0, 6)}});
            case Problem::birth_date: return report("birth-date", {{"digits", patient.id.substr(6, 8)}});
            case Problem::check_digit:
                return report("check-digit", {{"expected", std::string(1, facts.expected_check)},
                                              {"actual", patient.id.substr(17, 1)}});
            case Problem::none: break;
        }
        if (patient.gender != "U" && patient.gender != facts.gender)
            report("gender", {{"id-gender", facts.gender}, {"recorded-gender", patient.gender}});
        if (patient.birth_date && *patient.birth_date != *facts.birth_date)
            report("birth-date-differs",
                   {{"id-birth-date", facts.birth_date->str()}, {"recorded-birth-date", patient.birth_date->str()}});
    }
};

}  // namespace

std::unique_ptr<Rule> make_id_invalid() { return std::make_unique<IdInvalid>(); }

}  // namespace medlint
