// ID-CONCURRENT: an inpatient stay that overlaps another committed stay of
// the same patient, at another encounter or institution.
#include "rule.hpp"

namespace medlint {
namespace {

// A stay occupies the days [admitted, discharged); a same-day stay occupies
// its one day, and a stay not yet discharged is open-ended.  So a transfer
// discharged and admitted on the same day does not overlap.
struct Span {
    int from, to;
};

Span span_of(Date admitted, const std::optional<Date> &discharged) {
    if (!discharged) return {admitted.days, 1 << 30};
    return {admitted.days, std::max(discharged->days, admitted.days + 1)};
}

class IdConcurrent : public Rule {
public:
    IdConcurrent()
        : Rule({"ID-CONCURRENT",
                {{"overlap", {"encounter", "institution", "admitted", "discharged"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Encounter &encounter = context.document.encounter;
        if (!encounter.is_inpatient() || !encounter.admitted) return;
        Span mine = span_of(*encounter.admitted, encounter.discharged);
        for (const auto &stay : context.history.inpatient_stays(context.patient_key, encounter.id)) {
            Span theirs = span_of(stay.admitted, stay.discharged);
            if (theirs.from >= mine.to || mine.from >= theirs.to) continue;
            findings.push_back({"ID-CONCURRENT", "overlap", {}, std::nullopt, "verify-identity",
                                {{"encounter", stay.encounter}, {"institution", stay.institution},
                                 {"admitted", stay.admitted.str()},
                                 {"discharged", stay.discharged ? stay.discharged->str() : "-"}},
                                stay.encounter});
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_id_concurrent() { return std::make_unique<IdConcurrent>(); }

}  // namespace medlint
