// DUP-DRUG: a drug prescribed again while an earlier supply of it (start date
// + days) still lasts: the same national code, or for western drugs the same
// generic (the first 10 characters of the 23-character code).
#include "rule.hpp"

namespace medlint {
namespace {

constexpr size_t kWesternDrugCodeLength = 23;
constexpr size_t kGenericPrefixLength = 10;
// Supplies starting earlier cannot still last: the longest item/@days a request
// may carry (request.cpp reads days as a whole number up to 3650).
constexpr int kLongestSupplyDays = 3650;

bool is_western_drug_code(const std::string &code) {
    return code.size() == kWesternDrugCodeLength && code[0] == 'X';
}

class DupDrug : public Rule {
public:
    DupDrug()
        : Rule({"DUP-DRUG",
                {{"same-code", {"item", "earlier", "earlier-date", "earlier-encounter", "earlier-item", "earlier-days", "last-day", "days-left"}},
                {"same-generic", {"item", "earlier", "earlier-date", "earlier-encounter", "earlier-item", "earlier-days", "last-day"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items)
            if (item.kind == "drug") check_item(context, item, findings);
    }

private:
    static void check_item(const RuleContext &context, const Item &item, std::vector<Finding> &findings) {
        CodeMatch match = is_western_drug_code(item.code)
                              ? CodeMatch{{}, item.code.substr(0, kGenericPrefixLength)}
                              : CodeMatch{{item.code}, ""};
        const PastItem *lasting = nullptr;
        auto related = related_items(context, item, match, item.date - kLongestSupplyDays, item.date, item.date);
        for (const auto &past : related)
            if (!lasting || rank(past, item) < rank(*lasting, item)) lasting = &past;
        if (!lasting) return;
        bool same_code = lasting->code == item.code;
        Date last_day = lasting->date + (lasting->days - 1);
        findings.push_back({"DUP-DRUG", same_code ? "same-code" : "same-generic", {item.id},
                            same_code ? Certainty::definite : Certainty::suspected, "remove",
                            {{"item", item_label(item)},
                             {"earlier", lasting->name.empty() ? lasting->code : lasting->name},
                             {"earlier-date", lasting->date.str()},
                             {"earlier-encounter", encounter_label(context.document, *lasting)},
                             {"earlier-item", lasting->item_id},
                             {"earlier-days", std::to_string(lasting->days)},
                             {"last-day", last_day.str()},
                             {"days-left", std::to_string(last_day - item.date + 1)}}});
    }

    // The same code before another form of the generic; then the supply lasting longest.
    static std::pair<bool, int> rank(const PastItem &past, const Item &item) {
        return {past.code != item.code, -(past.date.days + past.days)};
    }
};

}  // namespace

std::unique_ptr<Rule> make_dup_drug() { return std::make_unique<DupDrug>(); }

}  // namespace medlint
