// How each rule of the contract is planted: a story whose last document
// breaks that rule once, and no other.  Every document before it is clean;
// a violation that needs history (a repeat, another name under the same id,
// an overlapping or too-early stay) depends on the one just before it.
#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "../civil_date.hpp"
#include "workload_story.hpp"

namespace workload {

namespace {

using test_dates::iso_date;

std::string diagnosis_codes(const Document &document) {
    std::string codes;
    for (const auto &diagnosis : document.diagnoses) codes += (codes.empty() ? "" : " ") + diagnosis.code;
    return codes;
}

}  // namespace

bool Storyteller::plant(Draft &draft, const std::string &rule, long variant, long documents) {
    draft.story.documents.reserve(static_cast<size_t>(documents));
    if (rule == "DUP-TEST") return plant_dup_test(draft, variant, documents);
    if (rule == "DUP-DRUG") return plant_dup_drug(draft, variant, documents);
    if (rule == "CONSENT-MISSING") return plant_consent_missing(draft, variant, documents);
    if (rule == "CLASS-MISMATCH") return plant_class_mismatch(draft, documents);
    if (rule == "ID-INVALID") return plant_id_invalid(draft, documents);
    if (rule == "ID-MISMATCH") return plant_id_mismatch(draft, variant, documents);
    if (rule == "ID-CONCURRENT") return plant_id_concurrent(draft, documents);
    if (rule == "PHYSICIAN-CODE") return plant_physician_code(draft, variant, documents);
    if (rule == "PHYSICIAN-SUSPENDED") return plant_physician_suspended(draft, documents);
    if (rule == "LIMIT-GENDER") return plant_limit_gender(draft, documents);
    if (rule == "LIMIT-AGE") return plant_limit_age(draft, documents);
    if (rule == "LIMIT-INDICATION") return plant_limit_indication(draft, documents);
    if (rule == "LIMIT-DAYS") return plant_limit_days(draft, variant, documents);
    if (rule == "DATE-OUTSIDE-STAY") return plant_date_outside_stay(draft, variant, documents);
    if (rule == "SPLIT-ADMISSION") return plant_split_admission(draft, documents);
    if (rule == "BED-IDLE") return plant_bed_idle(draft, documents);
    if (code_table_of(rule)) return plant_code_table(draft, rule, documents);
    if (rule == "DUP-CHARGE") return plant_dup_charge(draft, variant, documents);
    if (rule == "SURGERY-DISCOUNT") return plant_surgery_discount(draft, documents);
    if (rule == "LIMIT-COURSE") return plant_limit_course(draft, documents);
    if (rule == "LIMIT-FREQUENCY") return plant_limit_frequency(draft, variant, documents);
    throw std::logic_error("no way to plant " + rule);
}

bool Storyteller::plant_code_table(Draft &draft, const std::string &rule, long documents) {
    const CodeTablePlant &how = *code_table_of(rule);
    const auto &rows = pack_->code_table(how.file);
    // LIMIT-LEVEL needs a level above 1, LIMIT-SETTING an inpatient-only drug, LIMIT-SECOND-LINE a drug that
    // no first-line drug of the patient's earlier documents can clear; the others any row.
    auto fits = [&](const std::pair<std::string, std::string> &row) {
        if (rule == "LIMIT-SETTING") return row.second == "inpatient";
        if (rule == "LIMIT-SECOND-LINE") return row.second.empty();
        return true;
    };
    std::vector<std::pair<std::string, std::string>> usable;
    for (const auto &row : rows)
        if (fits(row) && !pack_->stacked_catalog_restricts(row.first)) usable.push_back(row);
    if (usable.empty()) return false;
    const auto &[code, value] = usable[static_cast<size_t>(random_->between(0, static_cast<long>(usable.size()) - 1))];
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, false, {});
    Line line = builder_.non_catalog_line(last.admitted);
    line.insurance_class = "";  // a paid line the restriction binds, not a self-paid one
    line.kind = how.kind;
    line.code = code;
    line.name = code;
    const std::string id = last.add_line(line).id;
    if (rule == "LIMIT-LEVEL") last.level = "1";
    if (rule == "LIMIT-INSURANCE") last.insurance = value == "maternity" ? "employee" : "resident";
    if (rule == "LIMIT-CHANNEL") last.channel = "internet";
    last.consents.clear();  // the line is not in the catalog: the consent covers it, so CONSENT-MISSING is silent
    builder_.add_consents(last);
    draft.story.planted = Planted{rule, id, std::nullopt, code + " (" + how.file + ")"};
    return true;
}

// A duplicate's two stories, each returning the later line, which the
// finding must name.  In one document: `row` on two lines of a visit or stay
// on `day`.  Across visits: `row` at an outpatient visit on `day`, and again,
// for repeat_days() days, at one 1 to window - 1 days later with the same
// diagnoses.
std::string Storyteller::twice_in_one_document(Draft &draft, const CatalogRow &row, long day, int days,
                                               bool inpatient) {
    VisitWish wish;
    wish.forced = {builder_.line_for(row, day, days)};
    Document &last = inpatient ? add_inpatient(draft, day, stay_length(), wish) : add_outpatient(draft, day, wish);
    Line repeat = *find_line(last, [&](const Line &line) { return line.code == row.code; });
    return last.add_line(repeat).id;
}

Storyteller::LaterVisit Storyteller::again_at_a_later_visit(Draft &draft, const CatalogRow &row, long day, int days,
                                                            long window, const std::function<int()> &repeat_days) {
    VisitWish wish;
    wish.forced = {builder_.line_for(row, day, days)};
    const size_t earlier = draft.story.documents.size();
    add_outpatient(draft, day, wish);
    const long gap = random_->between(1, window - 1);
    VisitWish follow_up;
    follow_up.diagnoses = draft.story.documents[earlier].diagnoses;
    follow_up.forced = {builder_.line_for(row, day + gap, repeat_days())};
    const Document &last = add_outpatient(draft, day + gap, follow_up);
    return {find_line(last, [&](const Line &line) { return line.code == row.code; })->id, earlier, gap};
}

// Odd variants: the same test at two visits within its retest interval
// (when some test's interval spans two days).  Even: ordered twice in one document.
bool Storyteller::plant_dup_test(Draft &draft, long variant, long documents) {
    begin(draft, {});
    auto plain_test = [](const CatalogRow &row) { return row.is_test() && row.paid() && !row.restricted(); };
    auto repeatable_later = [&](const CatalogRow &row) {
        return plain_test(row) && pack_->retest_interval(row.code) >= 2;
    };
    const bool across_visits = variant % 2 == 1 && options_.inpatient_per_mille < 1000 &&
                               std::any_of(pack_->catalog().begin(), pack_->catalog().end(), repeatable_later);
    add_clean(draft, documents - (across_visits ? 2 : 1));
    const bool inpatient = !across_visits && next_is_inpatient();
    const long day = inpatient ? next_admission(draft) : next_day(draft);
    const CatalogRow *test = pick_row([&](const CatalogRow &row) {
        return (across_visits ? repeatable_later(row) : plain_test(row)) &&
               draft.history.allows(row.kind, row.code, day, 0);
    });
    if (!test) return false;
    if (!across_visits) {
        draft.story.planted = Planted{"DUP-TEST", twice_in_one_document(draft, *test, day, 0, inpatient), std::nullopt,
                                      test->code + " ordered twice on " + iso_date(day)};
        return true;
    }
    const int interval = pack_->retest_interval(test->code);
    const LaterVisit later = again_at_a_later_visit(draft, *test, day, 0, interval, [] { return 0; });
    draft.story.planted = Planted{"DUP-TEST", later.item, later.earlier,
                                  test->code + " repeated " + std::to_string(later.gap) +
                                      " days after the earlier visit; interval " + std::to_string(interval)};
    return true;
}

// Odd variants: prescribed again at a visit while the earlier supply lasts.
// Even: the same drug on two lines of one document.
bool Storyteller::plant_dup_drug(Draft &draft, long variant, long documents) {
    begin(draft, {});
    const bool across_visits = variant % 2 == 1 && options_.inpatient_per_mille < 1000;
    add_clean(draft, documents - (across_visits ? 2 : 1));
    const bool inpatient = !across_visits && next_is_inpatient();
    const long day = inpatient ? next_admission(draft) : next_day(draft);
    const CatalogRow *drug = pick_row([&](const CatalogRow &row) {
        return row.kind == "drug" && row.paid() && !row.restricted() && (!row.max_days || *row.max_days >= 2);
    });
    if (!drug) return false;
    const int days = inpatient ? 1 : builder_.clean_supply_days(*drug, false);
    if ((across_visits && days < 2) || !draft.history.allows(drug->kind, drug->code, day, days)) return false;
    if (!across_visits) {
        draft.story.planted = Planted{"DUP-DRUG", twice_in_one_document(draft, *drug, day, days, inpatient),
                                      std::nullopt, drug->code + " prescribed twice on " + iso_date(day)};
        return true;
    }
    const LaterVisit later = again_at_a_later_visit(draft, *drug, day, days, days,
                                                    [&] { return builder_.clean_supply_days(*drug, false); });
    draft.story.planted = Planted{"DUP-DRUG", later.item, later.earlier,
                                  drug->code + " again " + std::to_string(later.gap) + " days into a " +
                                      std::to_string(days) + "-day supply"};
    return true;
}

// Variant 0: a class C item without consent; 1: an item no catalogue knows,
// which the HIS maps to class C, without consent; 2: a class C item whose
// consent form was never signed.
bool Storyteller::plant_consent_missing(Draft &draft, long variant, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, next_is_inpatient(), {});
    const long day = last.admitted;
    const CatalogRow *self_paid = pick_row([&](const CatalogRow &row) {
        return !row.paid() && row.kind != "service" && draft.history.allows(row.kind, row.code, day, 1);
    });
    const long kind = self_paid ? variant % 3 : 1;
    Line line = kind == 1 ? builder_.non_catalog_line(day)
                          : builder_.line_for(*self_paid, day, self_paid->kind == "drug" ? 1 : 0);
    const std::string id = last.add_line(line).id;
    if (kind == 2) last.consents.push_back({"C2", "patient", "", {id}});
    const char *what[] = {"class C item without consent", "item no catalogue knows, mapped to class C, without consent",
                          "consent for a class C item never signed"};
    draft.story.planted = Planted{"CONSENT-MISSING", id, std::nullopt, line.code + ": " + what[kind]};
    return true;
}

// A catalogue line of class A or B that the HIS's mapping gives the other class.
bool Storyteller::plant_class_mismatch(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, next_is_inpatient(), {});
    for (auto &line : last.lines) {
        const CatalogRow *row = pack_->find(line.code);
        if (!row || (row->item_class != "A" && row->item_class != "B")) continue;
        line.insurance_class = row->item_class == "A" ? "B" : "A";
        draft.story.planted = Planted{"CLASS-MISMATCH", line.id, std::nullopt,
                                      line.code + ": class " + row->item_class + ", mapped to " + line.insurance_class};
        return true;
    }
    return false;
}

// The clerk mistyped one digit of the number; no card was read.
bool Storyteller::plant_id_invalid(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, next_is_inpatient(), {});
    char &digit = last.patient.id[14];
    digit = static_cast<char>('0' + (digit - '0' + random_->between(1, 9)) % 10);
    last.card.reset();
    draft.story.planted = Planted{"ID-INVALID", "", std::nullopt,
                                  "digit 15 mistyped: " + last.patient.id + " for " + draft.patient.id};
    return true;
}

// Variant 0: the name mistyped against the card read; 1: another person
// under a number committed before (depends on the earlier document); 2: a
// relative's card read for the patient.
bool Storyteller::plant_id_mismatch(Draft &draft, long variant, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, next_is_inpatient(), {});
    const Patient &real = draft.patient;
    switch (variant % 3) {
        case 0:
            last.patient.name = misspelt_name(*random_, real.name, real.gender);
            last.card = Card{"insurance-card", real.id, real.name, real.gender, real.birth_date};
            draft.story.planted = Planted{"ID-MISMATCH", "", std::nullopt,
                                          "name typed " + last.patient.name + ", card reads " + real.name};
            return true;
        case 1:
            do last.patient.name = person_name(*random_, real.gender);
            while (last.patient.name == real.name);
            last.card.reset();
            draft.story.planted = Planted{"ID-MISMATCH", "", draft.story.documents.size() - 2,
                                          "id " + real.id + " committed before as " + real.name + ", now " +
                                              last.patient.name};
            return true;
        default: {
            // A parent's card for a younger patient, a grown child's for an older one.
            const int age = real.age_on(draft.start_day);
            const int gap = static_cast<int>(random_->between(22, 35));
            PatientSpec spec;
            spec.min_age = spec.max_age = age <= 55 ? age + gap : age - gap;
            const Patient relative = new_patient(spec, draft.start_day);
            last.card = Card{"insurance-card", relative.id, relative.name, relative.gender, relative.birth_date};
            draft.story.planted = Planted{"ID-MISMATCH", "", std::nullopt,
                                          "card of " + relative.name + " " + relative.id + " read for " + real.name};
            return true;
        }
    }
}

// Admitted elsewhere while the stay before it runs.
bool Storyteller::plant_id_concurrent(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 2);
    const long admitted = next_admission(draft), length = stay_length();
    const size_t earlier = draft.story.documents.size();
    add_inpatient(draft, admitted, length, {});
    const Institution &elsewhere = other_than(*draft.story.documents[earlier].institution);
    const long overlapping = admitted + random_->between(1, length - 1);
    add_inpatient(draft, overlapping, stay_length(), {}, &elsewhere);
    draft.story.planted = Planted{"ID-CONCURRENT", "", earlier,
                                  "admitted " + iso_date(overlapping) + " at " + elsewhere.code + " during the stay " +
                                      iso_date(admitted) + " to " + iso_date(admitted + length)};
    return true;
}

// Variant 0: the HIS's staff number instead of the national code; 1: an
// item's own code in lower case; 2: no <physician> at all.
bool Storyteller::plant_physician_code(Draft &draft, long variant, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, next_is_inpatient(), {});
    switch (variant % 3) {
        case 0:
            last.physician->code = "0" + std::to_string(random_->between(100, 999));
            draft.story.planted = Planted{"PHYSICIAN-CODE", "", std::nullopt, "staff number " + last.physician->code};
            return true;
        case 1: {
            Line &line = last.lines.back();
            line.physician = "d" + last.physician->code.substr(1);
            draft.story.planted = Planted{"PHYSICIAN-CODE", line.id, std::nullopt, "item physician " + *line.physician};
            return true;
        }
        default:
            last.physician.reset();
            draft.story.planted = Planted{"PHYSICIAN-CODE", "", std::nullopt, "no <physician>"};
            return true;
    }
}

// A document of the physician the ledger suspends on its dates.
bool Storyteller::plant_physician_suspended(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    const bool inpatient = next_is_inpatient();
    const long day = inpatient ? next_admission(draft) : next_day(draft);
    const Institution &where = world_->institution_with_suspension_on(day);
    VisitWish wish;
    wish.physician = &world_->sanctioned(where);
    if (inpatient) add_inpatient(draft, day, stay_length(), wish, &where);
    else add_outpatient(draft, day, wish, &where);
    draft.story.planted = Planted{"PHYSICIAN-SUSPENDED", "", std::nullopt,
                                  wish.physician->code + " suspended on " + iso_date(day) + " (ledger)"};
    return true;
}

// A patient of the other gender: the item fits them in every other way.
bool Storyteller::plant_limit_gender(Draft &draft, long documents) {
    const CatalogRow *row = pick_restricted([](const CatalogRow &r) { return r.gender_restricted(); });
    if (!row) return false;
    PatientSpec spec = spec_within(*row);
    spec.gender = row->gender == "M" ? "F" : "M";
    begin(draft, spec);
    return plant_restricted_line(draft, *row, "LIMIT-GENDER", {}, documents);
}

// A patient above the item's maximum age, else below its minimum.
bool Storyteller::plant_limit_age(Draft &draft, long documents) {
    const CatalogRow *row = pick_restricted([](const CatalogRow &r) { return can_be_older(r) || can_be_younger(r); });
    if (!row) return false;
    PatientSpec spec;
    if (row->gender_restricted()) spec.gender = row->gender;
    if (can_be_older(*row)) {
        spec.min_age = *row->max_age + 1;
        spec.max_age = 85;
    } else {
        spec.min_age = 1;
        spec.max_age = *row->min_age - 3;  // two years' margin, as in spec_within
    }
    begin(draft, spec);
    return plant_restricted_line(draft, *row, "LIMIT-AGE", {}, documents);
}

// A document none of whose diagnoses is among the item's indications.
bool Storyteller::plant_limit_indication(Draft &draft, long documents) {
    const CatalogRow *row = pick_restricted([](const CatalogRow &r) { return r.indication_restricted(); });
    if (!row) return false;
    begin(draft, spec_within(*row));
    VisitWish wish;
    wish.avoided_indications = row->indications;
    return plant_restricted_line(draft, *row, "LIMIT-INDICATION", wish, documents);
}

bool Storyteller::plant_restricted_line(Draft &draft, const CatalogRow &row, const std::string &rule, VisitWish wish,
                                        long documents) {
    add_clean(draft, documents - 1);
    const bool inpatient = next_is_inpatient();
    const long day = inpatient ? next_admission(draft) : next_day(draft);
    const int days = row.kind != "drug" ? 0 : inpatient ? 1 : builder_.clean_supply_days(row, false);
    if (!draft.history.allows(row.kind, row.code, day, days)) return false;
    if (rule != "LIMIT-INDICATION" && !row.indications.empty()) wish.needed_indications = {row.indications.front()};
    wish.forced = {builder_.line_for(row, day, days)};
    const Document &last =
        inpatient ? add_inpatient(draft, day, stay_length(), wish) : add_outpatient(draft, day, wish);
    draft.story.planted = Planted{rule, find_line(last, [&](const Line &l) { return l.code == row.code; })->id,
                                  std::nullopt,
                                  row.code + " for a patient " + last.patient.gender + " aged " +
                                      std::to_string(last.patient.age_on(day)) + " with " + diagnosis_codes(last)};
    return true;
}

// Outpatient variants: beyond the outpatient limit, beyond the long-term
// maximum, beyond the catalog's max_days.  Inpatient: discharge medication
// beyond its limit, an order beyond the catalog's max_days.
bool Storyteller::plant_limit_days(Draft &draft, long variant, long documents) {
    const bool inpatient = next_is_inpatient();
    auto long_term = [&](const CatalogRow &r) { return pack_->in_code_set("long_term_drug", r.code); };
    struct Way {
        const char *name, *limit;
        std::function<bool(const CatalogRow &)> wanted;
    };
    const std::vector<Way> ways =
        inpatient ? std::vector<Way>{{"discharge", "supply_days_discharge",
                                      [&](const CatalogRow &r) { return !long_term(r) && !r.max_days; }},
                                     {"catalog", nullptr, [](const CatalogRow &r) { return bool(r.max_days); }}}
                  : std::vector<Way>{{"outpatient", "supply_days_outpatient",
                                      [&](const CatalogRow &r) { return !long_term(r) && !r.max_days; }},
                                     {"long-term-max", "supply_days_long_term_max",
                                      [&](const CatalogRow &r) { return long_term(r) && !r.max_days; }},
                                     {"catalog", nullptr, [](const CatalogRow &r) { return bool(r.max_days); }}};
    for (size_t tried = 0; tried < ways.size(); ++tried) {
        const Way &way = ways[(static_cast<size_t>(variant) + tried) % ways.size()];
        auto drug = [&](const CatalogRow &r) {
            return r.kind == "drug" && r.paid() && !r.in_code_table && way.wanted(r);
        };
        const CatalogRow *row = pick_row([&](const CatalogRow &r) { return drug(r) && !r.restricted(); });
        if (!row) row = pick_row(drug);
        if (!row) continue;
        begin(draft, spec_within(*row));
        add_clean(draft, documents - 1);
        const int limit = way.limit ? pack_->limit(way.limit) : *row->max_days;
        const int days = limit + static_cast<int>(random_->between(1, 7));
        const long admitted = inpatient ? next_admission(draft) : next_day(draft);
        const long length = stay_length();
        const bool discharge = std::string(way.name) == "discharge";
        const long day = discharge ? admitted + length : admitted;
        if (!draft.history.allows(row->kind, row->code, day, days)) return false;
        VisitWish wish;
        if (!row->indications.empty()) wish.needed_indications = {row->indications.front()};
        wish.forced = {builder_.line_for(*row, day, days)};
        wish.forced.front().discharge_medication = discharge;
        const Document &last = inpatient ? add_inpatient(draft, admitted, length, wish)
                                         : add_outpatient(draft, admitted, wish);
        const Line *planted = find_line(last, [&](const Line &l) { return l.code == row->code; });
        draft.story.planted = Planted{"LIMIT-DAYS", planted->id, std::nullopt,
                                      row->code + " for " + std::to_string(days) + " days, " + way.name + " limit " +
                                          std::to_string(limit)};
        return true;
    }
    return false;
}

// Even variants: a bed day billed before the admission; odd: after the discharge.
bool Storyteller::plant_date_outside_stay(Draft &draft, long variant, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    const long admitted = next_admission(draft), length = stay_length();
    Document &last = add_inpatient(draft, admitted, length, {});
    const CatalogRow *charge = pick_row([&](const CatalogRow &r) { return pack_->in_code_set("stay_charge", r.code); });
    if (!charge)
        charge = pick_row([](const CatalogRow &r) { return r.kind == "treatment" && r.paid() && !r.restricted(); });
    if (!charge) return false;
    const bool before = variant % 2 == 0;
    const long day = before ? admitted - random_->between(1, 2) : last.discharged + random_->between(1, 2);
    const std::string id = last.add_line(builder_.line_for(*charge, day, 0)).id;
    draft.story.planted = Planted{"DATE-OUTSIDE-STAY", id, std::nullopt,
                                  charge->code + " billed " + iso_date(day) + ", stay " + iso_date(admitted) + " to " +
                                      iso_date(last.discharged)};
    return true;
}

// Readmitted to the same hospital with the same primary diagnosis within the window.
bool Storyteller::plant_split_admission(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 2);
    const Institution &where = institution_for(draft);
    const size_t earlier = draft.story.documents.size();
    add_inpatient(draft, next_admission(draft), stay_length(), {}, &where);
    const long discharged = draft.story.documents[earlier].discharged;
    const long gap = random_->between(1, pack_->limit("split_admission_days"));
    VisitWish wish;
    wish.diagnoses = draft.story.documents[earlier].diagnoses;
    add_inpatient(draft, discharged + gap, stay_length(), wish, &where);
    draft.story.planted = Planted{"SPLIT-ADMISSION", "", earlier,
                                  "readmitted " + std::to_string(gap) + " days after discharge with " +
                                      wish.diagnoses.front().code};
    return true;
}

// A run of the pack's idle-bed days billing only bed and nursing; the
// finding must name the first day's bed line.
bool Storyteller::plant_bed_idle(Draft &draft, long documents) {
    begin(draft, {});
    add_clean(draft, documents - 1);
    const long run = pack_->limit("bed_idle_days");
    const long length = random_->between(run + 1, std::max(run + 1, 30L));
    const long admitted = next_admission(draft);
    const long first_idle = admitted + random_->between(1, length - run);
    VisitWish wish;
    for (long day = first_idle; day < first_idle + run; ++day) wish.idle_days.insert(day);
    const Document &last = add_inpatient(draft, admitted, length, wish);
    const Line *bed = find_line(last, [&](const Line &line) { return line.day == first_idle; });
    if (!bed) return false;
    draft.story.planted = Planted{"BED-IDLE", bed->id, std::nullopt,
                                  "idle " + iso_date(first_idle) + " to " + iso_date(first_idle + run - 1)};
    return true;
}

std::vector<std::pair<const CatalogRow *, const CatalogRow *>> Storyteller::billable_charge_pairs() const {
    std::vector<std::pair<const CatalogRow *, const CatalogRow *>> out;
    auto billable = [&](const std::string &code) {
        const CatalogRow *row = pack_->find(code);
        return row && row->paid() && !row->restricted() && row->kind != "drug" ? row : nullptr;
    };
    for (const auto &[code, paired] : pack_->charge_pairs())
        if (billable(code) && billable(paired)) out.emplace_back(billable(code), billable(paired));
    return out;
}

// Odd variants: the including item at a visit and the included one at
// another visit of the same day.  Even: both on lines of one visit.
bool Storyteller::plant_dup_charge(Draft &draft, long variant, long documents) {
    begin(draft, {});
    const auto pairs = billable_charge_pairs();
    const bool across_visits = variant % 2 == 1;
    add_clean(draft, documents - (across_visits ? 2 : 1));
    const long day = next_day(draft);
    const auto [including, included] = pairs[random_->below(pairs.size())];
    for (const CatalogRow *row : {including, included})
        if (!draft.history.allows(row->kind, row->code, day, 0)) return false;
    const std::string what = including->code + " and " + included->code + " billed on " + iso_date(day);
    VisitWish wish;
    wish.forced = {builder_.line_for(*including, day, 0)};
    if (!across_visits) {
        wish.forced.push_back(builder_.line_for(*included, day, 0));
        const Document &last = add_outpatient(draft, day, wish);
        const Line *line = find_line(last, [&](const Line &l) { return l.code == included->code; });
        draft.story.planted = Planted{"DUP-CHARGE", line->id, std::nullopt, what + " at one visit"};
        return true;
    }
    const size_t earlier = draft.story.documents.size();
    const Document &first = add_outpatient(draft, day, wish);
    // The second visit's line must repeat no test of the first (DUP-TEST).
    const std::string key = pack_->retest_key(included->code);
    auto repeats = [&](const Line &l) {
        return (l.kind == "test" || l.kind == "exam") && pack_->retest_key(l.code) == key;
    };
    if (find_line(first, repeats)) return false;
    VisitWish again;
    again.forced = {builder_.line_for(*included, day, 0)};
    const Document &last = add_outpatient(draft, day, again);
    const Line *line = find_line(last, [&](const Line &l) { return l.code == included->code; });
    draft.story.planted = Planted{"DUP-CHARGE", line->id, earlier, what + " at two visits"};
    return true;
}

std::vector<std::pair<const CatalogRow *, const CatalogRow *>> Storyteller::surgeries_of_one_group() const {
    std::vector<std::pair<const CatalogRow *, const CatalogRow *>> out;
    const auto &rows = pack_->code_table("surgery_groups.csv");
    auto surgery = [&](const std::string &code) {
        const CatalogRow *row = pack_->find(code);
        return row && row->paid() && !pack_->stacked_catalog_restricts(code) ? row : nullptr;
    };
    auto share_a_group = [](const std::string &groups, const std::string &others) {
        std::istringstream words(groups);
        std::string group;
        while (words >> group)
            if ((" " + others + " ").find(" " + group + " ") != std::string::npos) return true;
        return false;
    };
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = i + 1; j < rows.size(); ++j)
            if (surgery(rows[i].first) && surgery(rows[j].first) && share_a_group(rows[i].second, rows[j].second))
                out.emplace_back(surgery(rows[i].first), surgery(rows[j].first));
    return out;
}

// Two surgeries of one group in one operation of a visit, both billed at
// their list price: the cheaper one (of equal prices the second line) is
// the later surgery, which should have been discounted.
bool Storyteller::plant_surgery_discount(Draft &draft, long documents) {
    begin(draft, {});
    const auto pairs = surgeries_of_one_group();
    add_clean(draft, documents - 1);
    const long day = next_day(draft);
    const auto [first, second] = pairs[random_->below(pairs.size())];
    VisitWish wish;
    for (const CatalogRow *row : {first, second}) {
        if (!draft.history.allows(row->kind, row->code, day, 0)) return false;
        Line line = builder_.line_for(*row, day, 0);
        line.operation = "OP1";
        line.list_price_cents = line.price_cents;
        wish.forced.push_back(line);
    }
    const bool first_is_main = wish.forced[0].price_cents >= wish.forced[1].price_cents;
    const std::string later = first_is_main ? second->code : first->code;
    const Document &last = add_outpatient(draft, day, wish);
    const Line *line = find_line(last, [&](const Line &l) { return l.code == later; });
    draft.story.planted = Planted{"SURGERY-DISCOUNT", line->id, std::nullopt,
                                  first->code + " and " + second->code + " in one operation at full price"};
    return true;
}

std::vector<std::pair<std::string, int>> Storyteller::paid_courses() const {
    std::vector<std::pair<std::string, int>> out;
    for (const auto &[code, days] : pack_->code_table("paid_courses.csv"))
        if (!pack_->stacked_catalog_restricts(code)) out.emplace_back(code, std::stoi(days));
    return out;
}

// An outpatient visit that bills a paid course's code from its day on, day
// after day, for one day more than the course: lines of at most a week's
// supply (within any supply limit), each starting when the one before ends
// (no DUP-DRUG).  Only the last line, the day beyond the course, is flagged.
bool Storyteller::plant_limit_course(Draft &draft, long documents) {
    const auto courses = paid_courses();
    const auto &[code, days] = courses[random_->below(courses.size())];
    begin(draft, {});
    add_clean(draft, documents - 1);
    Document &last = add_document(draft, false, {});
    const CatalogRow *row = pack_->find(code);
    const int week = row && row->max_days ? std::min(7, *row->max_days) : 7;
    Line line = row ? builder_.line_for(*row, last.admitted, 0) : builder_.non_catalog_line(last.admitted);
    if (!row) {
        line.insurance_class = "";  // a paid line the course binds, not a self-paid one
        line.kind = code[0] == 'X' || code[0] == 'Z' ? "drug" : "treatment";
        line.code = line.name = code;
    }
    std::string id;
    for (int used = 0; used <= days; used += line.days) {
        line.day = last.admitted + used;
        line.days = used == days ? 1 : std::min(week, days - used);
        id = last.add_line(line).id;
    }
    last.consents.clear();  // a code no catalog holds is unknown: the consent covers it (no CONSENT-MISSING)
    builder_.add_consents(last);
    draft.story.planted = Planted{"LIMIT-COURSE", id, std::nullopt,
                                  code + " on " + std::to_string(days + 1) + " days (paid_courses.csv)"};
    return true;
}

std::vector<std::string> Storyteller::plantable_frequency_codes() const {
    std::vector<std::string> out;
    for (const auto &code : pack_->frequency_codes())
        if (!pack_->stacked_catalog_restricts(code) && !pack_->in_code_table(code)) out.push_back(code);
    return out;
}

bool Storyteller::plant_limit_frequency(Draft &draft, long variant, long documents) {
    begin(draft, {});
    const bool across_visits = variant % 2 == 1;
    add_clean(draft, documents - (across_visits ? 2 : 1));
    const auto codes = plantable_frequency_codes();
    const std::string &code = codes[random_->below(codes.size())];
    const FrequencyLimit &limit = *pack_->frequency_limit(code);
    const long day = next_day(draft);
    if (!draft.history.allows("service", code, day, 0)) return false;
    // The catalog's row where it has one; else a paid line of a code no catalogue knows (unknown, not self-paid).
    auto service_line = [&](long on, int quantity) {
        const CatalogRow *row = pack_->find(code);
        Line line = row ? builder_.line_for(*row, on, 0) : builder_.non_catalog_line(on);
        if (!row) {
            line.kind = "treatment";
            line.code = line.name = code;
            line.insurance_class = "";
        }
        line.quantity = quantity;
        return line;
    };
    const std::string what = code + " (" + std::to_string(limit.max_quantity) + " in " +
                             std::to_string(limit.period_days) + " days)";
    auto planted_line = [&](const Document &last) {
        return find_line(last, [&](const Line &l) { return l.code == code; })->id;
    };
    VisitWish wish;
    if (!across_visits) {
        wish.forced = {service_line(day, limit.max_quantity + 1)};
        const std::string id = planted_line(add_outpatient(draft, day, wish));
        draft.story.planted = Planted{"LIMIT-FREQUENCY", id, std::nullopt,
                                      what + " billed " + std::to_string(limit.max_quantity + 1) + " on " + iso_date(day)};
        return true;
    }
    wish.forced = {service_line(day, limit.max_quantity)};
    const size_t earlier = draft.story.documents.size();
    add_outpatient(draft, day, wish);
    const long gap = random_->between(0, limit.period_days - 1);
    VisitWish again;
    again.forced = {service_line(day + gap, 1)};
    const std::string id = planted_line(add_outpatient(draft, day + gap, again));
    draft.story.planted = Planted{"LIMIT-FREQUENCY", id, earlier,
                                  what + " billed up to its limit, and again " + std::to_string(gap) + " days later"};
    return true;
}

}  // namespace workload
