// What the loaded rule packs say: rule severities, message texts, point
// values per policy profile.  Packs merge in configuration order; a later
// pack's row replaces an earlier row with the same key.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dates.hpp"
#include "levels.hpp"

namespace medlint {

// A pack's files by name ("pack.xml", "rules.csv", ...), read from a folder or
// embedded in the library.
using PackFiles = std::map<std::string, std::string>;

// The largest table a pack folder may hold, 64 MiB: many times the national
// catalogues, and a bound on what a misplaced file can make medlint read.
constexpr std::uintmax_t kMaxPackFileBytes = std::uintmax_t{64} << 20;

// pack.xml and the *.csv tables of a folder; each must be a regular file (or a
// link to one) within kMaxPackFileBytes.
PackFiles read_pack_directory(const std::string &directory);  // throws MEDLINT_ECONFIG
// The packs built into the library: the default pack, and the tables of the
// national pack (rules/national) the engine reads, stacked after it.
PackFiles embedded_default_pack();
PackFiles embedded_national_pack();

struct PackInfo {
    std::string id, version, jurisdiction, origin;
    // pack.xml's complete="true": its catalog.csv lists every code the
    // institution bills, so a code it lacks is not in the catalogue.
    bool complete = false;
};

struct RuleMeta {
    Severity severity;  // info, warning or block
    // For a finding the record partly answers (a signed consent for a restricted item); info when not given.
    Severity mitigated_severity;
    Certainty certainty;
    std::string basis_zh, basis_en;
};

// A row of catalog.csv: the insurance catalogue.  Packs stack cell by cell:
// a later pack's empty cell keeps what an earlier pack gave the code.
struct CatalogEntry {
    std::string code, name, kind, item_class, gender;  // item_class: A, B or C ("" when not given)
    std::optional<int> min_age, max_age, max_days;
    std::optional<int> max_age_days;  // a neonate bound: the item is for patients at most this many days old
    std::vector<std::string> indications;  // ICD-10 code prefixes
    // The knowledge points (knowledge_points.csv) each restriction comes from;
    // empty when a pack states the restriction without one.
    std::vector<std::string> gender_kp, age_kp, days_kp, indications_kp;
};

// A row of knowledge_points.csv: an NHSA smart-supervision knowledge point
// that a catalog restriction comes from, as a finding cites it.
struct KnowledgePoint {
    std::string kp;          // "KP-" and 16 hex digits
    std::string batch;       // the NHSA's batch number, or the month of an update
    std::string constraint;  // the restriction in the NHSA's words
};

// A row of drug_catalogue.csv: a drug of the national drug catalogue.
struct CatalogueDrug {
    std::string cat_code;     // its classification: X + ATC levels, or Z and its levels
    std::string item_class;   // A or B
    std::string drug_name;    // the generic name (with its form where dosage_form is empty)
    std::string dosage_form;  // as the catalogue names it (注射剂, 口服常释剂型); "" when the name carries it
};

// The code tables of the national pack's classes that restrict codes by
// something other than the patient, one file each (contract section 4).
enum class CodeTable {
    drug_levels,
    drug_settings,
    drug_insurances,
    internet_excluded,
    herbs_excluded,
    herbs_single,
    surgery_groups,
    second_line_drugs
};

// A row of a code table: the code, its restriction's value (min_level 2 or 3;
// settings "inpatient" or "emergency inpatient"; insurance "work-injury" or
// "maternity"; the surgery groups a surgical item belongs to, e.g. "胃肠手术组";
// the first-line drugs' code prefixes of a second-line drug, "" when its text
// names none that is certain; "" for the tables without a value) and the
// knowledge points it
// comes from, with their batches and text.
struct CodeRestriction {
    std::string code, name, value, kp, batch, restriction;
};

// A row of retest.csv: how soon a test or exam may repeat.
struct RetestEntry {
    std::string code, group;
    int interval_days = 1;
    std::string basis;
};

// A row of charge_pairs.csv: two items that may not both be billed for a
// patient on one day, because the first includes the second (DUP-CHARGE).
struct ChargePair {
    std::string code, paired_code, name, includes;
    KnowledgePoint source;
};

// A row of paid_courses.csv: how many days of use the fund pays for an item
// over one course of use, or over one inpatient stay (LIMIT-COURSE).
struct PaidCourse {
    std::string code, name;
    int days = 0;
    bool per_stay = false;    // scope "stay": the days of one stay; "course": of a run of use
    std::string restriction;  // the restriction's text, quoted (the indication is not judged)
    KnowledgePoint source;
};

// A row of service_frequencies.csv: a service billed at most `max_quantity`
// in any `period_days` days running (LIMIT-FREQUENCY).
struct ServiceFrequency {
    std::string code, name;
    int max_quantity = 1, period_days = 1;
    std::string restriction;  // the limit in the NHSA's words (日, 小时, 评定间隔时间不短于14天…)
    KnowledgePoint source;
};

// A row of thresholds.csv: what points bring under a policy profile.
struct Threshold {
    std::string scope;  // year: the year's total; single: one deduction; consecutive: each of `years` years
    int years = 1, points = 0;
    Standing standing;         // warned, suspended or terminated
    int months = 0;            // the suspension or penalty period
    int bar_years = 0;         // then no re-registration for this long
    std::string consequence_zh, consequence_en, clause;
};

// A policy profile: its settings (profiles.csv) and thresholds, ascending by points.
struct Profile {
    std::map<std::string, int, std::less<>> settings;
    std::vector<Threshold> thresholds;
    int setting(std::string_view name) const {
        auto found = settings.find(name);
        return found == settings.end() ? 0 : found->second;
    }
};

struct PointValue {
    int points = 0;
    std::string clause;
};

// Texts the engine quotes: each key needs a messages.csv row, and in each
// language the rows together quote exactly `params` as {placeholders}.
struct TextRequirement {
    std::string owner;  // whose texts, for errors: "rule DUP-TEST, variant same-code"
    std::vector<std::string> keys;
    std::vector<std::string> params;
};

// A code as code sets and indications compare it: upper case, without dots
// and spaces, so an ICD-10 "e11.9" and "E119" are one code.
std::string normalised_code(std::string_view code);
// The words of a cell that lists several (kp, batch, settings): split at blanks, commas and semicolons.
std::vector<std::string> words(const std::string &text);

// An ICD-10 code as the insurance edition writes it: a letter, two digits,
// then an optional subdivision ("E11", "E11.900", "I10.x00"), and a dagger
// code's asterisk code ("A01.002+G01*").  A hospital's own code is not.
bool is_icd10(std::string_view code);

class Knowledge {
public:
    // Adds a pack on top of those loaded.  All or nothing: a pack with a bad
    // row throws MEDLINT_ECONFIG (file, line, column, reason) and changes nothing.
    void add_pack(const PackFiles &files, const std::string &origin);

    const std::vector<PackInfo> &packs() const { return packs_; }
    // "default 2026.11" for the result's rules attribute.
    std::string describe_packs() const;

    const RuleMeta *rule(std::string_view rule_id) const;
    // A message template in `lang` (zh or en); require() has made sure it is there.
    const std::string &text(std::string_view key, std::string_view lang) const;
    const CatalogEntry *catalog(std::string_view code) const;
    // The national drug catalogue's drug a line names, by its code's
    // classification (first four characters) and its name: the generic name
    // (the longest that fits) with the dosage form the name's words give
    // (dosage_forms.csv), or the whole name where the catalogue's name carries
    // its form.  nullptr when none fits.
    const CatalogueDrug *catalogue_drug(std::string_view code, std::string_view name) const;
    // A knowledge point of knowledge_points.csv; nullptr when no pack has it.
    const KnowledgePoint *knowledge_point(std::string_view kp) const;
    // Whether a loaded pack declares its catalogue complete: then a code no
    // catalogue holds is non-catalogue (self-paid); otherwise it is unknown.
    bool catalog_complete() const;
    const RetestEntry *retest(std::string_view code) const;
    // The code's row of a code table; nullptr when no loaded pack restricts it there.
    const CodeRestriction *restriction(CodeTable table, std::string_view code) const;
    // The charge pairs a code is one side of (either side).
    const std::vector<ChargePair> &charge_pairs(std::string_view code) const;
    // The insurance-edition ICD-10 code diagnosis_codes.csv gives a hospital's
    // local or a clinical-edition diagnosis code; nullptr when no pack maps it.
    const std::string *insurance_diagnosis(std::string_view code) const;
    // The course the fund pays for a code; nullptr when no loaded pack limits it.
    const PaidCourse *paid_course(std::string_view code) const;
    // The code's row of service_frequencies.csv; nullptr when no loaded pack limits it.
    const ServiceFrequency *service_frequency(std::string_view code) const;
    // A limit of limits.csv (e.g. "bed_idle_days"); nullopt when no pack sets it.
    std::optional<int> limit(std::string_view name) const;
    // Whether a code of code_sets.csv's `set` is `code` or begins it, compared
    // as normalised_code() does (so "Z51.1" covers the diagnosis "Z51.101").
    bool in_code_set(std::string_view set, std::string_view code) const;
    // Every code of a retest group, the group's own code included.
    const std::vector<std::string> &retest_group(std::string_view group) const;
    // Whether `code` names an override reason of override_reasons.csv.
    bool is_override_reason(std::string_view code) const;
    // The number of rows each table of the merged packs holds, by file name.
    std::map<std::string, size_t> table_sizes() const;

    // require() has made sure every rule has points under every profile.
    const PointValue &points(std::string_view profile, std::string_view rule_id) const;
    const Profile *profile(std::string_view name) const;
    const std::map<std::string, Profile, std::less<>> &profiles() const { return profiles_; }
    // Weekdays are working days unless calendar.csv makes them holidays;
    // weekends are not, unless it makes them (adjusted) working days.
    bool is_working_day(Date date) const;
    // The `count`-th working day after `from`.
    Date add_working_days(Date from, int count) const;

    // Checks the merged packs against what the engine needs: a rules.csv row
    // for every rule, its points under every profile, and the texts.  Throws
    // MEDLINT_ECONFIG naming the file (and line) and what is wrong.
    void require(const std::vector<std::string> &rule_ids, const std::vector<TextRequirement> &texts) const;

private:
    struct Texts {
        std::string zh, en;
        std::string where = "";  // file:line of the row
    };
    void require_texts(const TextRequirement &requirement) const;
    void index_charge_pairs();
    // Where a table of the merged packs would be: each pack's file of that name.
    std::string table_files(const std::string &file) const;
    std::vector<PackInfo> packs_;
    std::map<std::string, RuleMeta, std::less<>> rules_;
    std::map<std::string, Texts, std::less<>> texts_;
    // Hashed: the rules look a line's code up a dozen times a check, in a catalogue of tens of thousands.
    std::unordered_map<std::string, CatalogEntry> catalog_;
    std::map<std::string, KnowledgePoint, std::less<>> knowledge_points_;
    std::map<std::string, std::vector<CatalogueDrug>, std::less<>> catalogue_drugs_;  // by cat_code's first 4
    struct DosageWord {
        std::string word;
        bool at_end = false;
        std::vector<std::string> forms;
    };
    std::vector<DosageWord> dosage_words_;  // dosage_forms.csv, in order
    std::map<std::string, RetestEntry, std::less<>> retest_;
    std::map<CodeTable, std::map<std::string, CodeRestriction, std::less<>>> code_tables_;
    std::map<std::string, std::vector<std::string>, std::less<>> retest_groups_;
    std::map<std::string, Texts, std::less<>> override_reasons_;
    std::map<std::string, int, std::less<>> limits_;
    std::map<std::pair<std::string, std::string>, ChargePair> charge_pairs_;  // key: code, paired_code
    std::map<std::string, std::vector<ChargePair>, std::less<>> charge_pairs_by_code_;  // both sides
    std::map<std::string, std::string, std::less<>> diagnosis_codes_;  // code -> insurance_code
    std::map<std::string, PaidCourse, std::less<>> paid_courses_;
    std::map<std::string, ServiceFrequency, std::less<>> service_frequencies_;
    std::map<std::string, std::vector<std::string>, std::less<>> code_sets_;  // set -> normalised codes
    std::map<std::string, PointValue, std::less<>> points_;  // key: profile + '\n' + rule
    std::map<std::string, Profile, std::less<>> profiles_;
    std::map<int, bool> calendar_;  // day number -> is a working day
};

}  // namespace medlint
