// SPLIT-ADMISSION: an admission within the pack's window (limits.csv
// `split_admission_days`) after the same patient was discharged from the same
// institution with the same primary diagnosis, compared to the pack's depth
// (`split_admission_diagnosis_depth` characters of the ICD-10 code, dots left
// out).  Planned cycles (code_sets.csv `planned_cycle`), on either stay, are exempt.
#include "rule.hpp"

namespace medlint {
namespace {

class SplitAdmission : public Rule {
public:
    SplitAdmission()
        : Rule({"SPLIT-ADMISSION",
                {{"readmitted", {"encounter", "discharged", "admitted", "days", "window", "diagnosis", "earlier-diagnosis"}}},
                kRecordModes}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Document &document = context.document;
        const Encounter &stay = document.encounter;
        const Diagnosis *primary = stay.primary_diagnosis();
        auto window = context.knowledge.limit("split_admission_days");
        auto depth = context.knowledge.limit("split_admission_diagnosis_depth");
        if (!stay.is_inpatient() || !stay.admitted || !primary || !window || !depth) return;
        auto planned = [&](const std::string &code) { return context.knowledge.in_code_set("planned_cycle", code); };
        if (planned(primary->code)) return;

        auto category = [&](const std::string &code) { return normalised_code(code).substr(0, size_t(*depth)); };
        const std::string mine = category(primary->code);
        std::optional<Stay> latest;
        for (auto &earlier : context.history.inpatient_stays(context.patient_key, stay.id)) {
            // Another institution's stay is a transfer or a referral, not a split.
            if (!earlier.discharged || earlier.institution != document.institution.code) continue;
            int gap = *stay.admitted - *earlier.discharged;
            if (gap < 0 || gap > *window || category(earlier.primary_diagnosis) != mine) continue;
            if (planned(earlier.primary_diagnosis)) continue;  // after a planned cycle, the next stay is planned care
            if (!latest || *latest->discharged < *earlier.discharged) latest = std::move(earlier);
        }
        if (!latest) return;
        findings.push_back({"SPLIT-ADMISSION", "readmitted", {}, std::nullopt, "review-admission",
                            {{"encounter", latest->encounter}, {"discharged", latest->discharged->str()},
                             {"admitted", stay.admitted->str()},
                             {"days", std::to_string(*stay.admitted - *latest->discharged)},
                             {"window", std::to_string(*window)}, {"diagnosis", primary->code},
                             {"earlier-diagnosis", latest->primary_diagnosis}},
                            latest->encounter});
    }
};

}  // namespace

std::unique_ptr<Rule> make_split_admission() { return std::make_unique<SplitAdmission>(); }

}  // namespace medlint
