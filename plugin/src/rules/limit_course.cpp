// LIMIT-COURSE: an item the fund pays for a limited course (paid_courses.csv,
// the national classes 药品限支付疗程 and 医疗服务项目限支付疗程) whose days
// of use, added up over the course through this line, exceed it.  A line
// covers its date and the days its `days` supplies after it; dates are
// counted once however many lines cover them.  A course of scope `stay` is
// the lines of this encounter; one of scope `course` is the run of use that
// ends with this line, broken by more than `course_gap_days` (limits.csv)
// days without use.  A line LIMIT-DAYS reports alone is left to it.
#include <algorithm>
#include <set>

#include "rule.hpp"

namespace medlint {
namespace {

// The days of use of one course, through the last day of the line judged.
constexpr int kLongestStay = 3650;  // days: no stay lasts ten years

struct CourseDays {
    int days = 0;
    Date first;
};

class LimitCourse : public Rule {
public:
    LimitCourse()
        : Rule({"LIMIT-COURSE",
                restriction_variants({{"course", {"item", "code", "kp", "batch", "days", "limit", "from", "restriction"}},
                                      {"stay", {"item", "code", "kp", "batch", "days", "limit", "from", "restriction"}}}),
                kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        const auto gap = context.knowledge.limit("course_gap_days");
        for (const auto &item : context.document.items) {
            const PaidCourse *course = context.knowledge.paid_course(item.code);
            if (!course || line_class(context.knowledge, item).item_class == "C") continue;
            if (!course->per_stay && !gap) continue;  // no pack says when a course ends
            if (reported_by_limit_days(context.knowledge, item)) continue;
            CourseDays used = days_of_use(context, item, *course, course->per_stay ? std::nullopt : gap);
            if (used.days <= course->days) continue;
            findings.push_back(restriction_finding(context.document, item, "LIMIT-COURSE",
                                                   course->per_stay ? "stay" : "course",
                                                   {{"code", item.code},
                                                    {"kp", course->source.kp},
                                                    {"batch", course->source.batch},
                                                    {"days", std::to_string(used.days)},
                                                    {"limit", std::to_string(course->days)},
                                                    {"from", used.first.str()},
                                                    {"restriction", course->restriction}},
                                                   {course->source.kp}));
        }
    }

private:
    // The days a line covers: its date, and the rest of its supply.
    static int covered_days(int days) { return std::max(days, 1); }

    // LIMIT-DAYS reports a drug line whose own supply is beyond its catalog max_days.
    static bool reported_by_limit_days(const Knowledge &knowledge, const Item &item) {
        const CatalogEntry *entry = paid_catalog_entry(knowledge, item);
        return item.kind == "drug" && entry && entry->max_days && item.days > *entry->max_days;
    }

    // The dates of use of the item's course through the line's last day: with
    // `gap`, the run of use ending with it; without, every use of this encounter.
    static CourseDays days_of_use(const RuleContext &context, const Item &item, const PaidCourse &course,
                                  std::optional<int> gap) {
        const Date last = item.date + (covered_days(item.days) - 1);
        // Far enough back for any run that could still be within the course; a stay's every line.
        const int look_back = gap ? (course.days + 1) * (*gap + 1) + course.days : kLongestStay;
        std::set<int> dates;
        auto cover = [&](Date date, int days) {
            for (Date day = date; day < date + covered_days(days) && day <= last; day = day + 1) dates.insert(day.days);
        };
        cover(item.date, item.days);
        for (const auto &past : related_items(context, item, CodeMatch{{item.code}, ""}, item.date - look_back, item.date))
            if (gap || of_this_encounter(context.document, past)) cover(past.date, past.days);

        CourseDays used{0, last};
        for (auto day = dates.rbegin(); day != dates.rend(); ++day) {
            if (gap && used.first.days - *day - 1 > *gap) break;
            ++used.days;
            used.first = Date{*day};
        }
        return used;
    }
};

}  // namespace

std::unique_ptr<Rule> make_limit_course() { return std::make_unique<LimitCourse>(); }

}  // namespace medlint
