// A patient's story: their documents, oldest first, clean, or with one
// violation planted in the last.  The planted document is always the
// patient's last, so nothing it records (another name, a repeated test)
// can make a later clean document of the patient fire.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "workload_documents.hpp"

namespace workload {

struct Planted {
    std::string rule;
    std::string item;                  // the line the finding must name; "" for the whole document
    std::optional<size_t> depends_on;  // the earlier document of the story it needs in history
    std::string note;
};

struct Story {
    std::vector<Document> documents;
    std::optional<Planted> planted;  // in documents.back()
};

struct StoryOptions {
    unsigned inpatient_per_mille = 200;  // the share of inpatient documents
    bool ledger = false;                 // suspensions are imported first: PHYSICIAN-SUSPENDED can be planted
};

// How a rule of a national code table is planted: its table and the kind of its lines.
struct CodeTablePlant {
    const char *rule, *file, *kind;
};
inline const CodeTablePlant *code_table_of(const std::string &rule) {
    static const CodeTablePlant plants[] = {
        {"LIMIT-LEVEL", "drug_levels.csv", "drug"},         {"LIMIT-SETTING", "drug_settings.csv", "drug"},
        {"LIMIT-INSURANCE", "drug_insurances.csv", "drug"}, {"LIMIT-CHANNEL", "internet_excluded.csv", "drug"},
        {"HERBAL-EXCLUDED", "herbs_excluded.csv", "herb"},  {"HERBAL-SINGLE", "herbs_single.csv", "herb"},
        {"LIMIT-SECOND-LINE", "second_line_drugs.csv", "drug"}};
    for (const auto &plant : plants)
        if (rule == plant.rule) return &plant;
    return nullptr;
}

class Storyteller {
public:
    Storyteller(const Pack &pack, const World &world, Random &random, StoryOptions options);

    // The rules this catalog and these options let it plant, in the
    // contract's order; `skipped` gets the others with the reason.
    std::vector<std::string> plantable_rules(std::vector<std::pair<std::string, std::string>> &skipped) const;

    Story clean(long documents);
    // At least two documents: the planted one and one before it, which
    // history-based violations depend on.  Throws std::runtime_error when
    // repeated attempts cannot plant the rule.
    Story planted(const std::string &rule, long variant, long documents);

private:
    // A story being told: its patient, what they have had, where they stand.
    struct Draft {
        Patient patient;
        PatientHistory history;
        const Institution *home = nullptr;
        Story story;
        long start_day = 0;                  // of the first document
        long last_day = 0;                   // of the latest document
        std::optional<long> last_discharge;  // of the latest stay
        explicit Draft(const Pack &pack) : history(pack) {}
    };
    struct PatientSpec {
        std::string gender;  // "" for either
        int min_age = 1, max_age = 90;  // at the first visit
    };

    void begin(Draft &draft, const PatientSpec &spec);
    Patient new_patient(const PatientSpec &spec, long first_day);
    long next_day(const Draft &draft);
    long next_admission(const Draft &draft);
    long stay_length();
    bool next_is_inpatient();
    const Institution &institution_for(const Draft &draft);
    const Institution &other_than(const Institution &institution);
    Document &add_outpatient(Draft &draft, long day, const VisitWish &wish, const Institution *at = nullptr);
    Document &add_inpatient(Draft &draft, long admitted, long length, const VisitWish &wish,
                            const Institution *at = nullptr);
    Document &add_document(Draft &draft, bool inpatient, const VisitWish &wish, const Institution *at = nullptr);
    void add_clean(Draft &draft, long count);
    const CatalogRow *pick_row(const std::function<bool(const CatalogRow &)> &wanted);
    const CatalogRow *pick_restricted(const std::function<bool(const CatalogRow &)> &restricted);
    PatientSpec spec_within(const CatalogRow &row) const;
    // LIMIT-AGE: a patient of 1 to 85 can be older than the row's maximum
    // age, or, with two years' margin, younger than its minimum.
    static bool can_be_older(const CatalogRow &row) { return row.age_restricted() && row.max_age && *row.max_age <= 82; }
    static bool can_be_younger(const CatalogRow &row) { return row.age_restricted() && row.min_age && *row.min_age >= 4; }
    static const Line *find_line(const Document &document, const std::function<bool(const Line &)> &wanted);
    // The two stories of DUP-TEST and DUP-DRUG (see workload_plants.cpp).
    struct LaterVisit {
        std::string item;  // the repeated line
        size_t earlier;    // the document of the first
        long gap;          // days between them
    };
    std::string twice_in_one_document(Draft &draft, const CatalogRow &row, long day, int days, bool inpatient);
    LaterVisit again_at_a_later_visit(Draft &draft, const CatalogRow &row, long day, int days, long window,
                                      const std::function<int()> &repeat_days);

    // One function per rule: tells a story whose last document breaks it.
    // False when this attempt cannot (the caller starts a new patient).
    bool plant(Draft &draft, const std::string &rule, long variant, long documents);
    bool plant_dup_test(Draft &draft, long variant, long documents);
    bool plant_dup_drug(Draft &draft, long variant, long documents);
    bool plant_consent_missing(Draft &draft, long variant, long documents);
    bool plant_class_mismatch(Draft &draft, long documents);
    bool plant_id_invalid(Draft &draft, long documents);
    bool plant_id_mismatch(Draft &draft, long variant, long documents);
    bool plant_id_concurrent(Draft &draft, long documents);
    bool plant_physician_code(Draft &draft, long variant, long documents);
    bool plant_physician_suspended(Draft &draft, long documents);
    bool plant_limit_gender(Draft &draft, long documents);
    bool plant_limit_age(Draft &draft, long documents);
    bool plant_limit_indication(Draft &draft, long documents);
    bool plant_limit_days(Draft &draft, long variant, long documents);
    bool plant_date_outside_stay(Draft &draft, long variant, long documents);
    bool plant_split_admission(Draft &draft, long documents);
    bool plant_bed_idle(Draft &draft, long documents);
    bool plant_dup_charge(Draft &draft, long variant, long documents);
    bool plant_surgery_discount(Draft &draft, long documents);
    // SURGERY-DISCOUNT: two different surgeries of a group of surgery_groups.csv, paid catalog rows.
    std::vector<std::pair<const CatalogRow *, const CatalogRow *>> surgeries_of_one_group() const;
    // DUP-CHARGE: the pack's charge pairs whose two codes are paid, unrestricted catalog rows.
    std::vector<std::pair<const CatalogRow *, const CatalogRow *>> billable_charge_pairs() const;
    bool plant_limit_course(Draft &draft, long documents);
    // LIMIT-COURSE: the pack's paid courses (code, days) of codes no stacked catalog restricts otherwise.
    std::vector<std::pair<std::string, int>> paid_courses() const;
    // LIMIT-FREQUENCY: a service beyond its limit at one visit (even variants)
    // or at a visit within the period of an earlier one (odd).
    bool plant_limit_frequency(Draft &draft, long variant, long documents);
    // The codes of the pack's service frequencies that no stacked catalog restricts.
    std::vector<std::string> plantable_frequency_codes() const;
    bool plant_restricted_line(Draft &draft, const CatalogRow &row, const std::string &rule, VisitWish wish,
                               long documents);
    // The rules of the national code tables: an outpatient visit whose one
    // added line is a code of the table, in the circumstances the table
    // forbids, with the patient's signed consent so that only the rule fires.
    bool plant_code_table(Draft &draft, const std::string &rule, long documents);

    const Pack *pack_;
    const World *world_;
    Random *random_;
    StoryOptions options_;
    DocumentBuilder builder_;
    std::unordered_set<std::string> issued_ids_;  // resident ids are unique in the workload
    long patients_ = 0;
};

}  // namespace workload
