// BED-IDLE: a run of at least the pack's `bed_idle_days` (limits.csv)
// consecutive days of an inpatient stay that bill something, but no
// treatment, drug, test or exam: only bed, nursing or meal charges
// (code_sets.csv `stay_charge`) or other services.  A day that bills nothing
// is not evidence either way (the record may be incomplete) and ends a run.
// The stay's days run from admission to the day before discharge: the
// discharge day is not a bed day.
#include <map>

#include "rule.hpp"

namespace medlint {
namespace {

bool is_care(const Knowledge &knowledge, const std::string &kind, const std::string &code) {
    bool care_kind = kind == "drug" || kind == "test" || kind == "exam" || kind == "treatment";
    return care_kind && !knowledge.in_code_set("stay_charge", code);
}

// One billed day of the stay.
struct BilledDay {
    bool care = false;
    std::vector<std::string> lines;  // ids of this document's items billed that day
};

class BedIdle : public Rule {
public:
    BedIdle()
        : Rule({"BED-IDLE",
                {{"run", {"from", "to", "days", "threshold"}}},
                kRecordModes}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const Document &document = context.document;
        const Encounter &stay = document.encounter;
        auto threshold = context.knowledge.limit("bed_idle_days");
        if (!stay.is_inpatient() || !stay.admitted || !threshold) return;

        Date first = *stay.admitted;
        std::optional<Date> last;
        if (stay.discharged) last = std::max(first, *stay.discharged - 1);
        std::map<int, BilledDay> days;
        auto bill = [&](Date date, const std::string &kind, const std::string &code) -> BilledDay * {
            if (date < first || (last && *last < date)) return nullptr;
            BilledDay &day = days[date.days];
            day.care = day.care || is_care(context.knowledge, kind, code);
            return &day;
        };
        for (const auto &item : document.items)
            if (BilledDay *day = bill(item.date, item.kind, item.code)) day->lines.push_back(item.id);
        // A stay may be committed day by day: earlier days' items count too.
        for (const auto &past : context.history.encounter_items(stay.id))
            if (!document.find_item(past.item_id)) bill(past.date, past.kind, past.code);

        std::vector<std::pair<const int, BilledDay> *> run;  // consecutive idle days
        auto close_run = [&] {
            if (static_cast<int>(run.size()) >= *threshold) report(run, *threshold, findings);
            run.clear();
        };
        for (auto &entry : days) {
            if (!run.empty() && entry.first != run.back()->first + 1) close_run();
            if (entry.second.care) close_run();
            else run.push_back(&entry);
        }
        close_run();
    }

private:
    static void report(const std::vector<std::pair<const int, BilledDay> *> &run, int threshold,
                       std::vector<Finding> &findings) {
        std::vector<std::string> items;
        for (const auto *day : run) items.insert(items.end(), day->second.lines.begin(), day->second.lines.end());
        Date from{run.front()->first}, to{run.back()->first};
        findings.push_back({"BED-IDLE", "run", std::move(items), std::nullopt, "review-stay",
                            {{"from", from.str()}, {"to", to.str()}, {"days", std::to_string(run.size())},
                             {"threshold", std::to_string(threshold)}},
                            from.str()});
    }
};

}  // namespace

std::unique_ptr<Rule> make_bed_idle() { return std::make_unique<BedIdle>(); }

}  // namespace medlint
