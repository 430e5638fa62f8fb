// DUP-TEST: a test or exam repeated within its retest interval, in the
// document or against the patient's committed history at the institution.
#include <cstdlib>

#include "rule.hpp"

namespace medlint {
namespace {

class DupTest : public Rule {
public:
    DupTest()
        : Rule({"DUP-TEST",
                {{"same-code", {"item", "earlier", "earlier-date", "earlier-encounter", "earlier-item", "days", "interval"}},
                {"same-group", {"item", "earlier", "earlier-date", "earlier-encounter", "earlier-item", "days", "interval"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        if (context.document.encounter.rescue) return;  // rescue care repeats tests as it must
        for (const auto &item : context.document.items)
            if (item.kind == "test" || item.kind == "exam") check_item(context, item, findings);
    }

private:
    static void check_item(const RuleContext &context, const Item &item, std::vector<Finding> &findings) {
        // A code without a retest row may not repeat on the same day.
        const RetestEntry *retest = context.knowledge.retest(item.code);
        int interval = retest ? retest->interval_days : 1;
        CodeMatch match{retest ? context.knowledge.retest_group(retest->group) : std::vector<std::string>{item.code}, ""};
        auto related = related_items(context, item, match, item.date - (interval - 1), item.date + (interval - 1));
        const PastItem *earlier = closest(related, item);
        if (!earlier) return;
        bool same_code = earlier->code == item.code;
        findings.push_back({"DUP-TEST", same_code ? "same-code" : "same-group", {item.id},
                            same_code ? Certainty::definite : Certainty::suspected, "remove",
                            {{"item", item_label(item)},
                             {"earlier", earlier->name.empty() ? earlier->code : earlier->name},
                             {"earlier-date", earlier->date.str()},
                             {"earlier-encounter", encounter_label(context.document, *earlier)},
                             {"earlier-item", earlier->item_id},
                             {"days", std::to_string(std::abs(item.date - earlier->date))},
                             {"interval", std::to_string(interval)}}});
    }

    // The same code before a look-alike of the group; then the nearest in time.
    static const PastItem *closest(const std::vector<PastItem> &related, const Item &item) {
        const PastItem *best = nullptr;
        auto rank = [&](const PastItem &p) { return std::make_pair(p.code != item.code, std::abs(item.date - p.date)); };
        for (const auto &candidate : related)
            if (!best || rank(candidate) < rank(*best)) best = &candidate;
        return best;
    }
};

}  // namespace

std::unique_ptr<Rule> make_dup_test() { return std::make_unique<DupTest>(); }

}  // namespace medlint
