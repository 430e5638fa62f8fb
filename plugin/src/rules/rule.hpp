// What a rule sees and what it reports.  One class per rule id, registered in
// registry.cpp, declaring its variants, their parameters and its modes;
// texts, severities and points live in the rule packs.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../dates.hpp"
#include "../history.hpp"
#include "../knowledge.hpp"
#include "../levels.hpp"
#include "../request.hpp"

namespace medlint {

struct Finding {
    std::string rule;
    // Picks the texts "<rule>.<variant>.message", ".evidence" and ".suggestion".
    std::string variant;
    std::vector<std::string> items;  // ids of the request's items it is about
    std::optional<Certainty> certainty;  // none: the rule's default from rules.csv
    std::string action;              // the suggestion's action
    std::vector<std::pair<std::string, std::string>> params;  // {name} in the texts
    // What else tells two findings of one rule and variant apart (e.g. the other stay); part of the id.
    std::string subject = "";
    // The record answers it (e.g. a signed consent for a self-paid item): reported at the rule's
    // mitigated severity, with no points at risk.
    bool mitigated = false;
    // The knowledge points (knowledge_points.csv) the restriction it breaks comes from, cited in <basis kp>.
    std::vector<std::string> knowledge_points = {};
};

// A physician's standing on a day, and the last day of its sanction ("" when none or open-ended).
struct StandingOn {
    Standing standing = Standing::active;
    std::string until;
};

struct RuleContext {
    const Document &document;
    const Knowledge &knowledge;
    History &history;
    std::string patient_key;  // a keyed digest of the id type and id: how history knows the patient
    Date today;
    // A physician's standing on a date under the active profile.
    std::function<StandingOn(const std::string &code, Date date)> standing_on;
};

// Which codes count as the same item: a list of codes, or a code prefix.
struct CodeMatch {
    std::vector<std::string> codes;
    std::string prefix;
    bool matches(const std::string &code) const;
};

// The items `item` repeats: committed items of the patient and earlier lines of
// this document (earlier by date, then by line) that `match` and are dated
// within [from, to], and with `lasting_on` whose supply still lasts on that
// day.  Committed rows that this document replaces are left out.
std::vector<PastItem> related_items(const RuleContext &context, const Item &item, const CodeMatch &match, Date from,
                                    Date to, std::optional<Date> lasting_on = std::nullopt);

// The item's name, else its code: how texts name an item.
std::string item_label(const Item &item);

// Whether a committed record (PastItem, SeenIdentity, Stay) is of this
// document's encounter: the same encounter id at the same institution.
template <class Record>
bool of_this_encounter(const Document &document, const Record &record) {
    return record.encounter == document.encounter.id && record.institution == document.institution.code;
}

// Whether a history item is a line of the document checked: of its encounter,
// under an item id the document has (committed earlier, the document replaces it).
inline bool is_document_line(const Document &document, const PastItem &item) {
    return of_this_encounter(document, item) && document.find_item(item.item_id);
}

// How texts name a committed record's encounter: its id, after
// "<institution>/" when another institution of an alliance committed it.
template <class Record>
std::string encounter_label(const Document &document, const Record &record) {
    if (record.institution == document.institution.code) return record.encounter;
    return record.institution + "/" + record.encounter;
}

// The patient's gender (M or F) and birth date as the record gives them, else
// as a valid resident-id number carries them; "" and nullopt when neither does.
std::string known_gender(const RuleContext &context);
std::optional<Date> known_birth_date(const RuleContext &context);

enum class ConsentState { none, unsigned_only, is_signed };
// Whether a <consent> of the document covers the item, and whether one covering it is signed.
ConsentState consent_for(const Document &document, const Item &item);

// Where the catalogues and the HIS place a line.
struct LineClass {
    const CatalogEntry *entry = nullptr;  // the code's catalog row; nullptr when no catalogue holds it
    std::string catalogue_class;          // A, B or C as the catalogues give it; "" when they do not
    // The class the line is paid in: the HIS's item/@insurance-class when it
    // gives one (its own catalogue mapping), else the catalogues'.
    std::string item_class;
    // The national drug catalogue's drug the line names, for a drug no catalog row holds.
    const CatalogueDrug *catalogue_drug = nullptr;
    // Whether a catalogue knows the line at all.
    bool known() const { return entry != nullptr || catalogue_drug != nullptr; }
};
LineClass line_class(const Knowledge &knowledge, const Item &item);

// A line whose code no loaded catalogue knows while none is complete: not
// known to be self-paid, only unknown (counted in unknown-codes).
bool is_unknown_code(const Knowledge &knowledge, const Item &item);

// The catalog row of an item the insurance pays for (class A or B, or no
// class given): nullptr for class C and non-catalog items, which the patient
// pays anyway and so have no payment restriction to break.
const CatalogEntry *paid_catalog_entry(const Knowledge &knowledge, const Item &item);

// The item's row of a code table of the national classes, when the fund would
// pay for the item: nullptr for a self-paid line (class C by the HIS's
// item/@insurance-class or by the catalog), which no payment restriction binds.
const CodeRestriction *paid_restriction(const Knowledge &knowledge, CodeTable table, const Item &item);

// What a finding from a code-table row quotes: the item's code and the row's
// knowledge points and their batches (national pack, knowledge_points.csv).
std::vector<std::pair<std::string, std::string>> knowledge_point_params(const Item &item, const CodeRestriction &row);

// A finding of an item billed outside its catalog restriction.  The patient
// then pays for it, so it needs a signed consent; with one the finding stays,
// mitigated, in the variant "<variant>-consented".
// `points`: the knowledge points the restriction comes from, which it cites.
Finding restriction_finding(const Document &document, const Item &item, const std::string &rule,
                            const std::string &variant, std::vector<std::pair<std::string, std::string>> params,
                            const std::vector<std::string> &points);
// The same about several lines the fund does not pay together (a herbal
// prescription), mitigated when a signed consent covers every one of them.
Finding restriction_finding(const Document &document, const std::vector<const Item *> &items, const std::string &rule,
                            const std::string &variant, std::vector<std::pair<std::string, std::string>> params,
                            const std::vector<std::string> &points);

// A variant of a rule's findings: its texts are "<rule>.<name>.message",
// ".evidence" and ".suggestion" in messages.csv, in zh and en, and in each
// language they quote exactly these {parameters}.
struct VariantDeclaration {
    std::string name;
    std::vector<std::string> params;
};

// Item-level rules judge each line as it is ordered and run in every mode;
// record-level rules need the whole record and run in preaudit and settlement.
inline const std::vector<Mode> kEveryMode = {Mode::prescribing, Mode::preaudit, Mode::settlement};
inline const std::vector<Mode> kRecordModes = {Mode::preaudit, Mode::settlement};

// All a rule says about itself; loading the packs checks them against it
// (rule_requirements.cpp).
struct RuleDeclaration {
    std::string id;
    std::vector<VariantDeclaration> variants;
    std::vector<Mode> modes;
    bool runs_in(Mode mode) const;
};

// The variants of a catalog-restriction rule: each as declared and, for a
// restriction_finding() mitigated by a signed consent, "<name>-consented"
// quoting the same parameters.
std::vector<VariantDeclaration> restriction_variants(std::vector<VariantDeclaration> variants);

class Rule {
public:
    explicit Rule(RuleDeclaration declaration) : declaration_(std::move(declaration)) {}
    virtual ~Rule() = default;
    const RuleDeclaration &declaration() const { return declaration_; }
    std::string_view id() const { return declaration_.id; }
    virtual void check(const RuleContext &context, std::vector<Finding> &findings) const = 0;
    // check(), then makes sure each finding is of a declared variant and gives
    // its parameters (the packs were checked against them): MEDLINT_EINTERNAL
    // otherwise, since it is a bug of the rule.
    void run(const RuleContext &context, std::vector<Finding> &findings) const;

private:
    RuleDeclaration declaration_;
};

// Every rule, in the order their findings are reported.
const std::vector<std::unique_ptr<Rule>> &registered_rules();

// Throws MEDLINT_ECONFIG unless the merged packs hold what every registered
// rule declares: its rules.csv row, its points under every profile, and each
// variant's texts in zh and en quoting exactly the variant's parameters.
void require_registered_rules(const Knowledge &knowledge);

}  // namespace medlint
