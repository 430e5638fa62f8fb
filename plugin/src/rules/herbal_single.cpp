// HERBAL-SINGLE: a herbal prescription made only of pieces the fund does not
// pay alone (national class 中药饮片单方使用不予支付, herbs_single.csv).  A
// prescription is the herb lines sharing item/@prescription; the lines
// without one are one prescription.  The patient pays, so it needs a signed
// consent covering every piece, which lowers the finding.
#include <map>

#include "rule.hpp"

namespace medlint {
namespace {

// Adds `word` to a space-separated list unless it is there; whether it was added.
bool add_once(std::string &list, const std::string &word) {
    if ((" " + list + " ").find(" " + word + " ") != std::string::npos) return false;
    list += (list.empty() ? "" : " ") + word;
    return true;
}

class HerbalSingle : public Rule {
public:
    HerbalSingle()
        : Rule({"HERBAL-SINGLE", restriction_variants({{"single", {"pieces", "kp", "batch"}}}), kEveryMode}) {}

    void check(const RuleContext &context, std::vector<Finding> &findings) const override {
        std::map<std::string, std::vector<const Item *>> prescriptions;
        for (const auto &item : context.document.items)
            if (item.kind == "herb") prescriptions[item.prescription].push_back(&item);
        for (const auto &[prescription, lines] : prescriptions) {
            std::vector<const Item *> paid;
            std::string pieces, kps, batches;
            std::vector<std::string> points;
            bool only_listed = true;
            for (const Item *line : lines) {
                only_listed = only_listed && context.knowledge.restriction(CodeTable::herbs_single, line->code);
                const CodeRestriction *row = paid_restriction(context.knowledge, CodeTable::herbs_single, *line);
                if (!row) continue;
                paid.push_back(line);
                pieces += (pieces.empty() ? "" : "、") + item_label(*line);
                if (add_once(kps, row->kp)) points.push_back(row->kp);
                add_once(batches, row->batch);
            }
            if (!only_listed || paid.empty()) continue;
            Finding finding = restriction_finding(context.document, paid, "HERBAL-SINGLE", "single",
                                                  {{"pieces", pieces}, {"kp", kps}, {"batch", batches}}, points);
            finding.subject = prescription;
            findings.push_back(std::move(finding));
        }
    }
};

}  // namespace

std::unique_ptr<Rule> make_herbal_single() { return std::make_unique<HerbalSingle>(); }

}  // namespace medlint
