#include "workload_story.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "../civil_date.hpp"
#include "../resident_id.hpp"

namespace workload {

Storyteller::Storyteller(const Pack &pack, const World &world, Random &random, StoryOptions options)
    : pack_(&pack), world_(&world), random_(&random), options_(options), builder_(pack, world, random) {}

std::vector<std::string> Storyteller::plantable_rules(
    std::vector<std::pair<std::string, std::string>> &skipped) const {
    auto any_row = [&](const std::function<bool(const CatalogRow &)> &wanted) {
        return std::any_of(pack_->catalog().begin(), pack_->catalog().end(), wanted);
    };
    const bool inpatient = options_.inpatient_per_mille > 0;
    const bool has_stay_charge =
        any_row([&](const CatalogRow &row) { return pack_->in_code_set("stay_charge", row.code); });
    auto long_term = [&](const CatalogRow &row) { return pack_->in_code_set("long_term_drug", row.code); };
    const char *no_inpatient = "no inpatient documents (--inpatient-share 0)";
    const std::vector<std::tuple<std::string, bool, std::string>> rules = {
        {"DUP-TEST", any_row([](const CatalogRow &r) { return r.is_test() && r.paid() && !r.restricted(); }),
         "the catalog has no paid test or exam without restrictions"},
        {"DUP-DRUG", any_row([](const CatalogRow &r) { return r.kind == "drug" && r.paid() && !r.restricted(); }),
         "the catalog has no paid drug without restrictions"},
        {"CONSENT-MISSING", true, ""},
        {"CLASS-MISMATCH", any_row([](const CatalogRow &r) { return r.item_class == "A" || r.item_class == "B"; }),
         "the catalog has no item of class A or B"},
        {"ID-INVALID", true, ""},
        {"ID-MISMATCH", true, ""},
        {"ID-CONCURRENT", inpatient, no_inpatient},
        {"PHYSICIAN-CODE", true, ""},
        {"PHYSICIAN-SUSPENDED", options_.ledger,
         "no --ledger FILE: the suspensions must be imported before the documents"},
        {"LIMIT-GENDER", any_row([](const CatalogRow &r) { return r.gender_restricted(); }),
         "the catalog restricts no item to one gender"},
        {"LIMIT-AGE", any_row([](const CatalogRow &r) { return can_be_older(r) || can_be_younger(r); }),
         "the catalog bounds no item's ages so that a patient of 1 to 85 can be outside them"},
        {"LIMIT-INDICATION", any_row([](const CatalogRow &r) { return r.indication_restricted(); }),
         "the catalog gives no item indications"},
        {"LIMIT-DAYS", any_row([&](const CatalogRow &r) {
             return r.kind == "drug" && r.paid() && (r.max_days || !long_term(r) || options_.inpatient_per_mille < 1000);
         }),
         "the catalog has no paid drug whose supply has a limit"},
        {"DATE-OUTSIDE-STAY", inpatient, no_inpatient},
        {"SPLIT-ADMISSION", inpatient, no_inpatient},
        {"BED-IDLE", inpatient && has_stay_charge,
         inpatient ? "the catalog has no bed or nursing charge (code set stay_charge)" : no_inpatient},
        {"DUP-CHARGE", !billable_charge_pairs().empty(),
         "no charge pair (charge_pairs.csv) of two paid catalog rows without restrictions"},
        {"SURGERY-DISCOUNT", !surgeries_of_one_group().empty(),
         "no two surgeries of one group (surgery_groups.csv) that are paid catalog rows"},
        {"LIMIT-COURSE", !paid_courses().empty(),
         "the pack has no paid_courses.csv row of a code no stacked catalog restricts"},
        {"LIMIT-FREQUENCY", !plantable_frequency_codes().empty(),
         "the pack has no service_frequencies.csv row of a code no stacked catalog restricts"},
    };
    std::vector<std::string> out;
    auto with_tables = rules;
    for (const char *rule : {"LIMIT-LEVEL", "LIMIT-SETTING", "LIMIT-INSURANCE", "LIMIT-CHANNEL", "HERBAL-EXCLUDED",
                             "HERBAL-SINGLE", "LIMIT-SECOND-LINE"}) {
        const char *file = code_table_of(rule)->file;
        with_tables.emplace_back(rule, !pack_->code_table(file).empty(),
                                 std::string("the pack has no ") + file);
    }
    for (const auto &[rule, possible, reason] : with_tables) {
        if (possible) out.push_back(rule);
        else skipped.emplace_back(rule, reason);
    }
    return out;
}

Story Storyteller::clean(long documents) {
    Draft draft(*pack_);
    begin(draft, {});
    add_clean(draft, documents);
    return std::move(draft.story);
}

Story Storyteller::planted(const std::string &rule, long variant, long documents) {
    std::string last_problem = "the catalog or the patient did not allow it";
    for (int attempt = 0; attempt < 20; ++attempt) {
        Draft draft(*pack_);
        try {
            if (plant(draft, rule, variant, documents)) return std::move(draft.story);
        } catch (const std::runtime_error &problem) {  // e.g. no diagnosis fits: try another patient
            last_problem = problem.what();
        }
    }
    throw std::runtime_error("cannot plant " + rule + " in 20 attempts: " + last_problem);
}

// ---------------------------------------------------------------- patients

void Storyteller::begin(Draft &draft, const PatientSpec &spec) {
    draft.start_day = epoch_day() + static_cast<long>(random_->below(365));
    draft.patient = new_patient(spec, draft.start_day);
    draft.home = &random_->pick(world_->institutions());
}

Patient Storyteller::new_patient(const PatientSpec &spec, long first_day) {
    Patient patient;
    patient.gender = !spec.gender.empty() ? spec.gender : random_->chance(500) ? "M" : "F";
    // Children, working-age adults and the elderly, as a county hospital sees them.
    const auto band = random_->below(100);
    long age = band < 15 ? random_->between(1, 17) : band < 65 ? random_->between(18, 64) : random_->between(65, 90);
    if (age < spec.min_age || age > spec.max_age) age = random_->between(spec.min_age, spec.max_age);
    do {
        patient.birth_day = first_day - age * 36525 / 100 - static_cast<long>(random_->below(365));
        patient.birth_date = test_dates::iso_date(patient.birth_day);
    } while (patient.age_on(first_day) < spec.min_age || patient.age_on(first_day) > spec.max_age);

    const std::string &region = random_->pick(birth_regions());
    do {  // the sequence's last digit is odd for men
        const auto sequence = static_cast<unsigned>(random_->below(500) * 2 + (patient.gender == "M" ? 1 : 0));
        patient.id = test_ids::resident_id(region, patient.birth_date, sequence);
    } while (!issued_ids_.insert(patient.id).second);
    patient.name = person_name(*random_, patient.gender);
    char insurance_no[32];
    std::snprintf(insurance_no, sizeof insurance_no, "52%018ld", ++patients_);
    patient.insurance_no = insurance_no;
    return patient;
}

Storyteller::PatientSpec Storyteller::spec_within(const CatalogRow &row) const {
    PatientSpec spec;
    if (row.gender_restricted()) spec.gender = row.gender;
    // Two years' margin: a story runs for at most about fifteen months.
    if (row.min_age) spec.min_age = std::max(spec.min_age, *row.min_age);
    if (row.max_age) spec.max_age = std::min(spec.max_age, *row.max_age - 2);
    if (spec.min_age > spec.max_age) throw std::runtime_error("no age fits " + row.code);
    return spec;
}

// ---------------------------------------------------------------- the timeline

long Storyteller::next_day(const Draft &draft) {
    return draft.story.documents.empty() ? draft.start_day : draft.last_day + random_->between(1, 45);
}

// No clean stay may follow another within the split-admission window.
long Storyteller::next_admission(const Draft &draft) {
    long day = next_day(draft);
    if (draft.last_discharge) day = std::max(day, *draft.last_discharge + pack_->limit("split_admission_days") + 1);
    return day;
}

long Storyteller::stay_length() {
    return 3 + static_cast<long>(random_->below(10) + random_->below(10) + random_->below(9));  // 3 to 30 days
}

bool Storyteller::next_is_inpatient() { return random_->below(1000) < options_.inpatient_per_mille; }

const Institution &Storyteller::institution_for(const Draft &draft) {
    return random_->chance(800) ? *draft.home : random_->pick(world_->institutions());
}

const Institution &Storyteller::other_than(const Institution &institution) {
    for (;;) {
        const Institution &other = random_->pick(world_->institutions());
        if (&other != &institution) return other;
    }
}

Document &Storyteller::add_outpatient(Draft &draft, long day, const VisitWish &wish, const Institution *at) {
    draft.story.documents.push_back(
        builder_.outpatient(draft.patient, draft.history, day, at ? *at : institution_for(draft), wish));
    draft.last_day = day;
    return draft.story.documents.back();
}

Document &Storyteller::add_inpatient(Draft &draft, long admitted, long length, const VisitWish &wish,
                                     const Institution *at) {
    draft.story.documents.push_back(builder_.inpatient(draft.patient, draft.history, admitted, length,
                                                       at ? *at : institution_for(draft), wish));
    draft.last_day = admitted + length;
    draft.last_discharge = admitted + length;
    return draft.story.documents.back();
}

Document &Storyteller::add_document(Draft &draft, bool inpatient, const VisitWish &wish, const Institution *at) {
    if (inpatient) return add_inpatient(draft, next_admission(draft), stay_length(), wish, at);
    return add_outpatient(draft, next_day(draft), wish, at);
}

void Storyteller::add_clean(Draft &draft, long count) {
    for (long i = 0; i < count; ++i) add_document(draft, next_is_inpatient(), {});
}

// ---------------------------------------------------------------- catalog rows

const CatalogRow *Storyteller::pick_row(const std::function<bool(const CatalogRow &)> &wanted) {
    std::vector<const CatalogRow *> rows;
    for (const auto &row : pack_->catalog())
        if (wanted(row)) rows.push_back(&row);
    return rows.empty() ? nullptr : random_->pick(rows);
}

// A row with the restriction asked for, preferring rows with no other: a
// planted document should break one rule, and each restriction more is one
// more thing the patient must be made to fit.
const CatalogRow *Storyteller::pick_restricted(const std::function<bool(const CatalogRow &)> &restricted) {
    auto restrictions = [](const CatalogRow &row) {
        return int(row.gender_restricted()) + int(row.age_restricted()) + int(row.indication_restricted());
    };
    // A code a code table restricts too would give that table's rule as well.
    auto only = [&](const CatalogRow &r) { return restricted(r) && !r.in_code_table; };
    if (auto row = pick_row([&](const CatalogRow &r) { return only(r) && restrictions(r) == 1; })) return row;
    return pick_row(only);
}

const Line *Storyteller::find_line(const Document &document, const std::function<bool(const Line &)> &wanted) {
    for (const auto &line : document.lines)
        if (wanted(line)) return &line;
    return nullptr;
}

}  // namespace workload
