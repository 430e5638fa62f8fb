// LIMIT-FREQUENCY: a service billed beyond its limit in a day, or in a period
// of days running (service_frequencies.csv, the national classes
// 医疗服务项目限定频次 and 医疗服务项目周期超频次).  The quantities of the
// line, of the document's earlier lines and of the patient's committed history
// add up.  A line that gives `days` bills its quantity evenly over those days,
// so 3 of 住院诊查费 on a line of a 3-day stay are 1 a day.  Reported once, on
// the line whose quantity goes beyond the limit, for the first day it does.
#include <algorithm>
#include <cmath>
#include <utility>

#include "rule.hpp"

namespace medlint {
namespace {

// Sums of fractional shares compare with a whole limit up to rounding.
constexpr double kTolerance = 1e-9;

// One line's quantity, billed evenly over its days.
struct Billing {
    std::string encounter;  // as texts name it (encounter_label())
    const std::string &item_id;
    Date first;
    int days;  // at least 1
    double quantity;
    bool in_document;  // a line of the document checked

    Billing(std::string encounter_label, const std::string &id, Date date, int supply_days, double amount,
            bool of_document)
        : encounter(std::move(encounter_label)), item_id(id), first(date), days(std::max(supply_days, 1)),
          quantity(amount), in_document(of_document) {}

    // The part of the quantity billed on the days [from, to].
    double within(Date from, Date to) const {
        const Date start = std::max(first, from), end = std::min(first + (days - 1), to);
        return end < start ? 0 : quantity * ((end - start) + 1) / days;
    }
};

// A quantity as texts quote it: at most two decimals, none when whole ("1", "1.5").
std::string quantity_text(double quantity) {
    const long long hundredths = std::llround(quantity * 100);
    std::string text = std::to_string(hundredths / 100);
    if (hundredths % 100 == 0) return text;
    std::string fraction = std::to_string(100 + hundredths % 100).substr(1);
    if (fraction.back() == '0') fraction.pop_back();
    return text + "." + fraction;
}

class LimitFrequency : public Rule {
public:
    LimitFrequency()
        : Rule({"LIMIT-FREQUENCY",
                {{"day", {"item", "quantity", "limit", "date", "restriction", "counted", "kp", "batch"}},
                 {"period", {"item", "quantity", "limit", "period", "from", "to", "restriction", "counted", "kp",
                             "batch"}}},
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        for (const auto &item : context.document.items)
            if (const ServiceFrequency *limit = context.knowledge.service_frequency(item.code))
                if (auto finding = check_item(context, item, *limit)) findings.push_back(std::move(*finding));
    }

private:
    // The lines of the service a window of `period` days ending on one of the
    // item's days can hold: dated within the windows, or dated before them
    // and spread into them.
    static std::vector<PastItem> billed_before(const RuleContext &context, const Item &item, int period) {
        const CodeMatch same{{item.code}, ""};
        const Date start = item.date - (period - 1), end = item.date + (std::max(item.days, 1) - 1);
        auto billed = related_items(context, item, same, start, end);
        for (auto &lasting : related_items(context, item, same, start - kMaxSupplyDays, start - 1, start))
            billed.push_back(std::move(lasting));
        return billed;
    }

    static std::optional<Finding> check_item(const RuleContext &context, const Item &item,
                                             const ServiceFrequency &limit) {
        const std::vector<PastItem> past = billed_before(context, item, limit.period_days);
        std::vector<Billing> billings;
        for (const auto &line : past)
            billings.emplace_back(encounter_label(context.document, line), line.item_id, line.date, line.days,
                                  line.quantity, is_document_line(context.document, line));
        const Billing own(context.document.encounter.id, item.id, item.date, item.days, item.quantity, true);
        billings.push_back(own);
        // Each day of the line ends a window of the period; the first beyond the limit is reported.
        for (Date day = item.date; day < item.date + own.days; day = day + 1) {
            const Date from = day - (limit.period_days - 1);
            double total = 0;
            for (const auto &billing : billings) total += billing.within(from, day);
            if (total > limit.max_quantity + kTolerance)
                return finding(item, limit, billings, from, day, total);
        }
        return std::nullopt;
    }

    static Finding finding(const Item &item, const ServiceFrequency &limit,
                           const std::vector<Billing> &billings, Date from, Date to, double total) {
        std::vector<std::string> items;
        std::string counted;
        for (const auto &billing : billings) {
            const double share = billing.within(from, to);
            if (share <= 0) continue;
            counted += (counted.empty() ? "" : ", ") + billing.encounter + " #" + billing.item_id + " " +
                       billing.first.str() + " ×" + quantity_text(share);
            if (billing.in_document) items.push_back(billing.item_id);  // a line of this document, this one last
        }
        const bool daily = limit.period_days == 1;
        std::vector<std::pair<std::string, std::string>> params = {
            {"item", item_label(item)},         {"quantity", quantity_text(total)},
            {"limit", std::to_string(limit.max_quantity)},
            {"restriction", limit.restriction}, {"counted", counted},
            {"kp", limit.source.kp},            {"batch", limit.source.batch}};
        if (daily) {
            params.emplace_back("date", to.str());
        } else {
            params.emplace_back("period", std::to_string(limit.period_days));
            params.emplace_back("from", from.str());
            params.emplace_back("to", to.str());
        }
        Finding out{"LIMIT-FREQUENCY", daily ? "day" : "period", items, std::nullopt, "reduce-quantity",
                    std::move(params), limit.source.kp};
        if (!limit.source.kp.empty()) out.knowledge_points = {limit.source.kp};
        return out;
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_frequency() { return std::make_unique<LimitFrequency>(); }

}  // namespace medlint
