// SURGERY-DISCOUNT: two or more different surgeries of one surgery group
// (surgery_groups.csv, the national class 手术项目未按规定折价收费) done in one
// operation (the same date and item/@operation), where a second or later one
// is billed above the pack's later_surgery_percent of its price.  Silent on
// lines without an operation, and when no pack sets the percent.
//
// The main surgery, charged in full, is the one of the highest full price
// (its list-price, else its price; of equal ones the first line).  A later
// surgery is held to the percent of its own list-price; without one, to the
// percent of the main surgery's full price.  That bound never faults a
// discounted line, since a later surgery costs no more than the main one, but
// it rests on the main one being the costliest: that finding is suspected.
// The finding cites the points that put the later surgery in the group it
// shares with the main one.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../join.hpp"
#include "rule.hpp"

namespace medlint {
namespace {

const std::vector<std::string> kParams = {"item", "code", "kp", "batch", "group", "main", "main-item",
                                          "price", "full-price", "percent", "allowed"};

// A line of the document that is a surgery of a group, done in an operation.
struct Surgery {
    const Item *item;
    const CodeRestriction *row;
};

long long fen(double yuan) { return std::llround(yuan * 100); }

std::string yuan(long long amount_fen) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%02lld", amount_fen / 100, amount_fen % 100);
    return text;
}

long long full_price_fen(const Item &item) { return fen(item.list_price.value_or(item.price)); }

// Whether `a` is the main surgery rather than `b`: a higher full price, or the same and an earlier line.
bool ranks_before(const Surgery &a, const Surgery &b) {
    long long price_a = full_price_fen(*a.item), price_b = full_price_fen(*b.item);
    return price_a != price_b ? price_a > price_b : a.item < b.item;  // both point into the document's items
}

// The first surgery group two surgeries share; "" when none.
std::string shared_group(const Surgery &a, const Surgery &b) {
    const auto groups_b = words(b.row->value);
    for (const auto &group : words(a.row->value))
        if (std::find(groups_b.begin(), groups_b.end(), group) != groups_b.end()) return group;
    return "";
}

// The knowledge points of a surgery's row that put it in `group` (their
// constraint is the group's name), and their batches; all the row's points
// when no loaded knowledge_points.csv says which.
std::pair<std::vector<std::string>, std::vector<std::string>> points_of_group(const Knowledge &knowledge,
                                                                              const CodeRestriction &row,
                                                                              const std::string &group) {
    std::vector<std::string> points, batches;
    for (const auto &kp : words(row.kp)) {
        const KnowledgePoint *point = knowledge.knowledge_point(kp);
        if (point && point->constraint == group) {
            points.push_back(point->kp);
            batches.push_back(point->batch);
        }
    }
    if (points.empty()) return {words(row.kp), words(row.batch)};
    return {points, batches};
}

class SurgeryDiscount : public Rule {
public:
    SurgeryDiscount() : Rule({"SURGERY-DISCOUNT", {{"list-price", kParams}, {"main-price", kParams}}, kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const std::optional<int> percent = context.knowledge.limit("later_surgery_percent");
        if (!percent) return;  // no discount to hold the lines to
        std::vector<Surgery> surgeries;
        for (const auto &item : context.document.items) {
            if (item.operation.empty()) continue;  // not known to be done with another: nothing to compare
            if (const CodeRestriction *row = context.knowledge.restriction(CodeTable::surgery_groups, item.code))
                surgeries.push_back({&item, row});
        }
        for (const auto &surgery : surgeries) check_surgery(context.knowledge, surgery, surgeries, *percent, findings);
    }

private:
    static void check_surgery(const Knowledge &knowledge, const Surgery &surgery,
                              const std::vector<Surgery> &surgeries, int percent, std::vector<Finding> &findings) {
        const Item &item = *surgery.item;
        const Surgery *main = &surgery;
        std::string group;
        for (const auto &other : surgeries) {
            const Item &line = *other.item;
            // A different surgery of the same operation, through the same incision (one group).
            if (line.code == item.code || line.operation != item.operation || line.date != item.date) continue;
            std::string shared = shared_group(surgery, other);
            if (shared.empty() || !ranks_before(other, *main)) continue;
            main = &other;
            group = shared;
        }
        if (main == &surgery) return;  // the main surgery, or alone in its groups
        const bool own_list_price = item.list_price.has_value();
        const long long full = own_list_price ? fen(*item.list_price) : full_price_fen(*main->item);
        const long long allowed = std::llround(static_cast<double>(full) * percent / 100);
        if (fen(item.price) <= allowed + 1) return;  // discounted, within a fen of rounding
        auto [points, batches] = points_of_group(knowledge, *surgery.row, group);
        Finding finding{"SURGERY-DISCOUNT",
                        own_list_price ? "list-price" : "main-price",
                        {item.id},
                        own_list_price ? std::nullopt : std::optional<Certainty>(Certainty::suspected),
                        "reprice",
                        {{"item", item_label(item)},
                         {"code", item.code},
                         {"kp", join(points, " ")},
                         {"batch", join(batches, " ")},
                         {"group", group},
                         {"main", item_label(*main->item)},
                         {"main-item", main->item->id},
                         {"price", yuan(fen(item.price))},
                         {"full-price", yuan(full)},
                         {"percent", std::to_string(percent)},
                         {"allowed", yuan(allowed)}},
                        item.operation};
        finding.knowledge_points = std::move(points);
        findings.push_back(std::move(finding));
    }
};

}  // namespace

std::unique_ptr<Rule> make_surgery_discount() { return std::make_unique<SurgeryDiscount>(); }

}  // namespace medlint
