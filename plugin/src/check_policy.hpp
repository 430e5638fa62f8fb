// What the policy makes of a check's findings: which severity a finding
// goes out with, whether it stands, on whom its points fall, and the
// result's status and points at risk, counted per case.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dates.hpp"
#include "levels.hpp"
#include "request.hpp"
#include "rules/rule.hpp"
#include "store.hpp"

namespace medlint {

// A finding as it goes out: the rule's finding plus what the packs and the
// store say about it.
struct Reported {
    Finding finding;
    std::string id;
    Severity severity = Severity::info;
    Certainty certainty = Certainty::definite;
    std::string message, evidence, suggestion, basis;
    int points = 0;
    std::optional<FeedbackRecord> feedback;
    int line = 0;           // where in the request it points: its first item, else <patient>, else the root
    std::string physician;  // whose points it puts at risk (charged_physician)
    std::vector<const KnowledgePoint *> citations = {};  // the knowledge points it rests on, as loaded

    bool overridden() const { return feedback && feedback->action == "override"; }
    // Whether it counts towards the status and the points at risk: an
    // override lifts a finding, except a block, which still stops the document.
    bool stands() const { return !overridden() || severity == Severity::block; }
};

// The day the document's services count for: admission, else the first item, else the document time.
Date service_date(const Document &document);

// Points fall on the physician who ordered: the document's physician answers
// for findings about the whole document and for items without their own.
bool charged_to_responsible(const Document &document, const Finding &finding);

// The physician whose points a finding puts at risk: the document's
// physician when charged_to_responsible, else its first item's own.
std::string charged_physician(const Document &document, const Finding &finding);

// The line a finding points to: its first item's, else the patient's, else the document's.
int line_of(const Document &document, const Finding &finding);

// The severity a finding goes out with in `mode`: settlement is the last
// self-check, so there a warning nobody answered with feedback blocks.
Severity severity_in(Mode mode, Severity severity, bool answered);

struct CheckOutcome {
    Severity status = Severity::pass;  // the worst severity of the findings that stand
    int at_risk = 0;                   // the responsible physician's points
    std::vector<int> risked;           // the deductions that make it up, one per case
};

// Deductions are per case: the findings of one rule about the whole document
// are one case; each finding about items is its own.
CheckOutcome outcome_of(const Document &document, const std::vector<Reported> &reported);

}  // namespace medlint
