#include "workload_documents.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "../civil_date.hpp"
#include "../xml_text.hpp"

namespace workload {

namespace {

using test_dates::iso_date;
using test_xml::escaped;

const char *const kGeneralPractice = "全科医学科";

std::string attribute(const char *name, const std::string &value) {
    return std::string(" ") + name + "=\"" + escaped(value) + "\"";
}

// An attribute left out when it has no value, as a host leaves out what it does not know.
std::string optional_attribute(const char *name, const std::string &value) {
    return value.empty() ? "" : attribute(name, value);
}

std::string money(long cents) {
    char text[32];
    std::snprintf(text, sizeof text, "%ld.%02ld", cents / 100, cents % 100);
    return text;
}

std::uint64_t fnv1a(const std::string &text) {
    std::uint64_t hash = 0xCBF29CE484222325ULL;
    for (unsigned char c : text) hash = (hash ^ c) * 0x100000001B3ULL;
    return hash;
}

// A price that stays the same for a code in every document, within what
// items of its kind cost; the catalog has no prices.
long price_cents(const std::string &kind, const std::string &code, bool paid, bool stay_charge) {
    struct Range {
        long low, high;  // yuan
    };
    Range range = stay_charge              ? Range{20, 60}
                  : kind == "test"         ? Range{5, 80}
                  : kind == "exam"         ? Range{25, 600}
                  : kind == "treatment"    ? Range{8, 60}
                  : kind == "material"     ? Range{2, 30}
                  : kind == "service"      ? Range{10, 40}
                                           : Range{5, 150};
    if (!paid) range = {range.low * 10, range.high * 20};  // self-paid items are the dear ones
    return range.low * 100 +
           static_cast<long>(fnv1a(code) % static_cast<std::uint64_t>((range.high - range.low) * 100));
}

std::string unit_for(const std::string &kind, bool stay_charge) {
    if (stay_charge) return "日";
    if (kind == "drug") return "盒";
    if (kind == "material") return "个";
    return "次";
}

bool matches_prefix(const std::string &code, const std::string &prefix) {
    const std::string normal = normalised_code(code), start = normalised_code(prefix);
    return normal.compare(0, start.size(), start) == 0;
}

bool any_diagnosis_matches(const std::vector<Diagnosis> &diagnoses, const std::string &prefix) {
    for (const auto &diagnosis : diagnoses)
        if (matches_prefix(diagnosis.code, prefix)) return true;
    return false;
}

// The diagnosis a catalog indication names: a known one, else the bare code.
Diagnosis diagnosis_for_prefix(const std::string &prefix) {
    for (const auto &kind : diagnosis_kinds())
        if (matches_prefix(kind.code, prefix)) return {kind.code, kind.name};
    return {prefix, ""};
}

const DiagnosisKind *kind_of(const std::string &code) {
    for (const auto &kind : diagnosis_kinds())
        if (kind.code == code) return &kind;
    return nullptr;
}

}  // namespace

// ---------------------------------------------------------------- the model

int Patient::age_on(long day) const {
    const std::string on = iso_date(day);
    int years = std::stoi(on.substr(0, 4)) - std::stoi(birth_date.substr(0, 4));
    if (on.compare(5, 5, birth_date, 5, 5) < 0) --years;  // "MM-DD": 29 February counts on 1 March
    return years;
}

Line &Document::add_line(Line line) {
    line.id = std::to_string(lines.size() + 1);
    lines.push_back(std::move(line));
    return lines.back();
}

std::string Document::encounter_id() const {
    char text[48];
    std::string date = iso_date(admitted);
    std::snprintf(text, sizeof text, "%s%s%s%s%08ld", inpatient ? "ZY" : "MZ", date.substr(0, 4).c_str(),
                  date.substr(5, 2).c_str(), date.substr(8, 2).c_str(), number);
    return text;
}

std::string Document::path() const {
    char text[32];
    std::snprintf(text, sizeof text, "%05ld/%08ld.xml", number / 1000, number);
    return text;
}

std::string document_xml(const Document &document) {
    const Patient &patient = document.patient;
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<check mode=\"preaudit\"" +
                      attribute("time", iso_date(document.discharged) + "T17:30:00+08:00") + " lang=\"zh\">\n";
    xml += "  <institution" + attribute("code", document.institution->code) +
           attribute("level", document.level.empty() ? document.institution->level : document.level) + "/>\n";
    if (document.physician)
        xml += "  <physician" + attribute("code", document.physician->code) +
               attribute("name", document.physician->name) + attribute("dept", document.physician->department) +
               "/>\n";
    xml += "  <patient id-type=\"resident-id\"" + attribute("id", patient.id) + attribute("name", patient.name) +
           attribute("gender", patient.gender) + attribute("birth-date", patient.birth_date) +
           attribute("insurance-no", patient.insurance_no);
    if (const auto &card = document.card) {
        xml += ">\n    <card" + attribute("source", card->source) + attribute("id", card->id) +
               optional_attribute("name", card->name) + optional_attribute("gender", card->gender) +
               optional_attribute("birth-date", card->birth_date) + "/>\n  </patient>\n";
    } else {
        xml += "/>\n";
    }
    xml += "  <encounter" + attribute("id", document.encounter_id()) +
           attribute("type", document.inpatient ? "inpatient" : "outpatient") +
           attribute("admitted", iso_date(document.admitted)) +
           attribute("discharged", document.inpatient ? iso_date(document.discharged) : "") +
           optional_attribute("insurance", document.insurance) + optional_attribute("channel", document.channel) +
           " rescue=\"false\">\n";
    for (const auto &diagnosis : document.diagnoses)
        xml += "    <diagnosis" + attribute("code", diagnosis.code) + optional_attribute("name", diagnosis.name) +
               attribute("primary", &diagnosis == &document.diagnoses.front() ? "true" : "false") + "/>\n";
    xml += "  </encounter>\n";
    for (const auto &line : document.lines) {
        xml += "  <item" + attribute("id", line.id) + attribute("kind", line.kind) + attribute("code", line.code) +
               attribute("name", line.name) + attribute("quantity", std::to_string(line.quantity)) +
               attribute("unit", line.unit) + attribute("price", money(line.price_cents));
        if (line.days > 0) xml += attribute("days", std::to_string(line.days));
        if (!line.insurance_class.empty()) xml += attribute("insurance-class", line.insurance_class);
        if (line.list_price_cents > 0) xml += attribute("list-price", money(line.list_price_cents));
        xml += optional_attribute("operation", line.operation);
        xml += attribute("date", iso_date(line.day));
        if (line.physician) xml += attribute("physician", *line.physician);
        if (line.discharge_medication) xml += " discharge-medication=\"true\"";
        xml += "/>\n";
    }
    for (const auto &consent : document.consents) {
        std::string items;
        for (const auto &id : consent.items) items += (items.empty() ? "" : " ") + id;
        xml += "  <consent" + attribute("id", consent.id) + attribute("signer", consent.signer) +
               optional_attribute("signed", consent.signed_time) + attribute("items", items) + "/>\n";
    }
    return xml + "</check>\n";
}

// ---------------------------------------------------------------- history

bool PatientHistory::allows(const std::string &kind, const std::string &code, long day, int days) const {
    for (const auto &partner : pack_->charge_partners(code))
        if (billed_.count({day, partner})) return false;
    if (const FrequencyLimit *limit = pack_->frequency_limit(code)) {
        // One more within a period either way, as a window of the engine could hold both.
        int quantity = 1;
        auto at = limited_.find(code);
        if (at != limited_.end())
            for (const auto &[billed_day, billed] : at->second)
                if (std::labs(day - billed_day) < limit->period_days) quantity += billed;
        if (quantity > limit->max_quantity) return false;
    }
    if (kind == "test" || kind == "exam") {
        auto at = tests_.find(pack_->retest_key(code));
        if (at == tests_.end()) return true;
        const int interval = pack_->retest_interval(code);
        for (const auto &test : at->second)
            if (std::labs(day - test.day) < std::max(interval, test.interval)) return false;
        return true;
    }
    if (kind == "drug") {
        auto at = supplies_.find(generic_key(code));
        if (at == supplies_.end()) return true;
        const long last = day + std::max(days, 1) - 1;
        for (const auto &supply : at->second)
            if (day <= supply.last && supply.first <= last) return false;
    }
    return true;
}

void PatientHistory::record(const Line &line) {
    billed_.insert({line.day, line.code});
    if (pack_->frequency_limit(line.code)) limited_[line.code].emplace_back(line.day, line.quantity);
    if (line.kind == "test" || line.kind == "exam")
        tests_[pack_->retest_key(line.code)].push_back({line.day, pack_->retest_interval(line.code)});
    else if (line.kind == "drug")
        supplies_[generic_key(line.code)].push_back({line.day, line.day + std::max(line.days, 1) - 1});
}

// ---------------------------------------------------------------- the builder

DocumentBuilder::DocumentBuilder(const Pack &pack, const World &world, Random &random)
    : pack_(&pack), world_(&world), random_(&random) {
    for (const auto &row : pack.catalog()) {
        const bool stay_charge = pack.in_code_set("stay_charge", row.code);
        if (row.kind == "service" && !stay_charge && !consultation_) consultation_ = &row;
        if (stay_charge || row.kind == "service" || !row.paid()) continue;
        general_.push_back(&row);
        if (row.kind == "drug") drugs_.push_back(&row);
        if (row.is_test()) tests_.push_back(&row);
        if (!row.restricted() && row.kind == "treatment" && !infusion_) infusion_ = &row;
        if (!row.restricted() && row.kind == "material" && !infusion_set_) infusion_set_ = &row;
    }
    for (const auto &prefix : pack.code_set("stay_charge"))
        for (const auto &row : pack.catalog())
            if (matches_prefix(row.code, prefix)) {
                if (std::find(stay_charges_.begin(), stay_charges_.end(), &row) == stay_charges_.end())
                    stay_charges_.push_back(&row);
                break;
            }
    for (const auto &kind : diagnosis_kinds())
        for (const auto &row : pack.catalog())
            for (const auto &prefix : kind.typical)
                if (row.code.compare(0, prefix.size(), prefix) == 0 && row.kind != "service") {
                    typical_[kind.code].push_back(&row);
                    break;
                }
    if (general_.empty()) throw std::runtime_error("the catalog has no paid drug, test, exam, treatment or material");
}

bool DocumentBuilder::fits(const CatalogRow &row, const Patient &patient, long day,
                           const std::vector<Diagnosis> &diagnoses) const {
    if (!row.paid()) return true;
    // The national code tables restrict it by institution, care, insurance or prescription: left out.
    if (row.in_code_table) return false;
    if (!row.gender.empty() && row.gender != patient.gender) return false;
    const int age = patient.age_on(day);
    if ((row.min_age && age < *row.min_age) || (row.max_age && age > *row.max_age)) return false;
    if (row.indications.empty()) return true;
    for (const auto &prefix : row.indications)
        if (any_diagnosis_matches(diagnoses, prefix)) return true;
    return false;
}

int DocumentBuilder::clean_supply_days(const CatalogRow &row, bool discharge) {
    const bool long_term = pack_->in_code_set("long_term_drug", row.code);
    int limit = pack_->limit(long_term ? "supply_days_long_term"
                             : discharge ? "supply_days_discharge"
                                         : "supply_days_outpatient");
    if (row.max_days) limit = std::min(limit, *row.max_days);
    if (long_term) {
        // Chronic disease: a week, a fortnight or four weeks.
        const int weeks[] = {7, 14, 28};
        const int chosen = weeks[random_->below(3)];
        if (chosen <= limit) return chosen;
    }
    return static_cast<int>(random_->between(std::min(3, limit), limit));
}

Line DocumentBuilder::line_for(const CatalogRow &row, long day, int days) const {
    const bool stay_charge = pack_->in_code_set("stay_charge", row.code);
    Line line;
    line.kind = row.kind;
    line.code = row.code;
    line.name = row.name;
    line.unit = unit_for(row.kind, stay_charge);
    line.day = day;
    line.days = days;
    line.quantity = row.kind == "drug" && days > 7 ? (days + 6) / 7 : 1;
    line.price_cents = price_cents(row.kind, row.code, row.paid(), stay_charge);
    return line;
}

Line DocumentBuilder::non_catalog_line(long day) {
    Line line;
    line.kind = "material";
    line.name = "院内自购敷料";
    line.unit = "片";
    line.day = day;
    do {
        char code[32];
        std::snprintf(code, sizeof code, "C999999%013ld", random_->between(1, 40));
        line.code = code;
    } while (pack_->find(line.code));
    line.price_cents = price_cents(line.kind, line.code, false, false);
    // No built-in catalogue is complete, so the code alone makes it unknown;
    // the HIS's own mapping says it is self-paid.
    line.insurance_class = "C";
    return line;
}

std::vector<Diagnosis> DocumentBuilder::diagnoses_for(const Patient &patient, long day, bool inpatient,
                                                      const VisitWish &wish) {
    std::vector<Diagnosis> out = wish.diagnoses;
    if (out.empty()) {
        const int age = patient.age_on(day);
        auto usable = [&](const DiagnosisKind &kind) {
            if ((!kind.gender.empty() && kind.gender != patient.gender) || age < kind.min_age || age > kind.max_age)
                return false;
            for (const auto &prefix : wish.avoided_indications)
                if (matches_prefix(kind.code, prefix)) return false;
            return true;
        };
        std::vector<const DiagnosisKind *> primaries, chronic;
        for (const auto &kind : diagnosis_kinds()) {
            if (usable(kind) && (inpatient ? kind.inpatient : kind.outpatient)) primaries.push_back(&kind);
            if (usable(kind) && kind.chronic) chronic.push_back(&kind);
        }
        if (primaries.empty()) throw std::runtime_error("no diagnosis fits the patient");
        const DiagnosisKind *primary = random_->pick(primaries);
        out.push_back({primary->code, primary->name});
        // Up to two chronic conditions beside it, as an older patient has.
        for (auto extra = random_->below(3); extra > 0 && !chronic.empty(); --extra) {
            const DiagnosisKind *kind = random_->pick(chronic);
            if (!any_diagnosis_matches(out, kind->code)) out.push_back({kind->code, kind->name});
        }
    }
    for (const auto &prefix : wish.needed_indications)
        if (!any_diagnosis_matches(out, prefix)) out.push_back(diagnosis_for_prefix(prefix));
    return out;
}

Document DocumentBuilder::start(const Patient &patient, const Institution &institution, bool inpatient, long first,
                                long last, const VisitWish &wish) {
    Document document;
    document.institution = &institution;
    document.patient = patient;
    document.inpatient = inpatient;
    document.admitted = first;
    document.discharged = last;
    document.diagnoses = diagnoses_for(patient, first, inpatient, wish);
    const DiagnosisKind *primary = kind_of(document.diagnoses.front().code);
    std::string department = primary ? department_for(*primary, patient.age_on(first)) : kGeneralPractice;
    if (!inpatient && random_->chance(100)) department = kGeneralPractice;  // a tenth see their GP
    document.physician = wish.physician ? *wish.physician
                                        : world_->physician(institution, department, first, last, *random_);
    // Most registrations read the insurance card; an e-voucher returns only the id and name.
    const auto reader = random_->below(20);
    if (reader < 14)
        document.card = Card{"insurance-card", patient.id, patient.name, patient.gender, patient.birth_date};
    else if (reader < 17)
        document.card = Card{"e-voucher", patient.id, patient.name, "", ""};
    return document;
}

const CatalogRow *DocumentBuilder::candidate(const Document &document) {
    if (random_->chance(600)) {  // what the diagnosis calls for, most of the time
        auto at = typical_.find(random_->pick(document.diagnoses).code);
        if (at != typical_.end()) return random_->pick(at->second);
    }
    return random_->pick(general_);
}

void DocumentBuilder::add(Document &document, PatientHistory &history, Line line) {
    history.record(document.add_line(std::move(line)));
}

bool DocumentBuilder::try_add(Document &document, PatientHistory &history, const CatalogRow &row, long day,
                              int days) {
    auto same_line = [&](const Line &line) { return line.code == row.code && line.day == day; };
    if (!fits(row, document.patient, day, document.diagnoses) || !history.allows(row.kind, row.code, day, days) ||
        std::any_of(document.lines.begin(), document.lines.end(), same_line))
        return false;
    add(document, history, line_for(row, day, days));
    return true;
}

Document DocumentBuilder::outpatient(const Patient &patient, PatientHistory &history, long day,
                                     const Institution &institution, const VisitWish &wish) {
    Document document = start(patient, institution, false, day, day, wish);
    if (consultation_) add(document, history, line_for(*consultation_, day, 0));
    for (const auto &line : wish.forced) add(document, history, line);
    const size_t lines = static_cast<size_t>(3 + random_->below(7) + random_->below(7));  // 3 to 15
    for (int attempt = 0; document.lines.size() < lines && attempt < 60; ++attempt) {
        const CatalogRow &row = *candidate(document);
        try_add(document, history, row, day, row.kind == "drug" ? clean_supply_days(row, false) : 0);
    }
    // Now and then the hospital's own dressing, not in the catalog: signed for below.
    if (random_->chance(20)) add(document, history, non_catalog_line(day));
    add_consents(document);
    return document;
}

void DocumentBuilder::add_admission_tests(Document &document, PatientHistory &history, long day) {
    const long wanted = random_->between(2, 5);
    long added = 0;
    for (int attempt = 0; added < wanted && attempt < 20; ++attempt) {
        const CatalogRow *row = candidate(document);
        if (!row->is_test() && tests_.empty()) return;
        if (!row->is_test()) row = random_->pick(tests_);
        added += try_add(document, history, *row, day, 0);
    }
}

void DocumentBuilder::add_discharge_medication(Document &document, PatientHistory &history) {
    const long wanted = random_->between(1, 2);
    long added = 0;
    for (int attempt = 0; added < wanted && attempt < 20 && !drugs_.empty(); ++attempt) {
        const CatalogRow &row = *random_->pick(drugs_);
        const int days = clean_supply_days(row, true);
        if (!fits(row, document.patient, document.discharged, document.diagnoses) ||
            !history.allows(row.kind, row.code, document.discharged, days))
            continue;
        Line line = line_for(row, document.discharged, days);
        line.discharge_medication = true;
        add(document, history, line);
        ++added;
    }
}

Document DocumentBuilder::inpatient(const Patient &patient, PatientHistory &history, long admitted, long length,
                                    const Institution &institution, const VisitWish &wish) {
    Document document = start(patient, institution, true, admitted, admitted + length, wish);
    for (const auto &line : wish.forced) add(document, history, line);

    // The drugs of the stay, each ordered day by day for a course.
    struct Course {
        const CatalogRow *row;
        long first, last;
    };
    std::vector<Course> courses;
    const long wanted = random_->between(1, 4);
    for (int attempt = 0; static_cast<long>(courses.size()) < wanted && attempt < 20; ++attempt) {
        const CatalogRow *row = candidate(document);
        if (row->kind != "drug" && drugs_.empty()) break;
        if (row->kind != "drug") row = random_->pick(drugs_);
        long first = admitted + static_cast<long>(random_->below(static_cast<std::uint64_t>(std::min(length, 3L))));
        long days = random_->between(3, length);
        if (row->max_days) days = std::min<long>(days, *row->max_days);
        courses.push_back({row, first, std::min(first + days, admitted + length) - 1});
    }
    const long infusion_days = random_->between(1, length);

    // The bed days: admission to the day before discharge.
    for (long offset = 0; offset < length; ++offset) {
        const long day = admitted + offset;
        // A day another stay of the patient billed already (an overlapping admission) is not billed twice.
        for (const CatalogRow *charge : stay_charges_)
            if (history.allows(charge->kind, charge->code, day, 0)) add(document, history, line_for(*charge, day, 0));
        if (wish.idle_days.count(day)) continue;
        const size_t charges_end = document.lines.size();
        if (offset == 0) add_admission_tests(document, history, day);
        else if (random_->chance(150)) add_admission_tests(document, history, day);  // a recheck when allowed
        for (const auto &course : courses)
            if (course.first <= day && day <= course.last) try_add(document, history, *course.row, day, 1);
        // Infusions on the first days, and on any day nothing else cared for the patient.
        const bool cared = document.lines.size() > charges_end;
        if (infusion_ && (offset < infusion_days || !cared)) {
            add(document, history, line_for(*infusion_, day, 0));
            if (infusion_set_) add(document, history, line_for(*infusion_set_, day, 0));
        } else if (!cared) {
            throw std::runtime_error("the catalog has no treatment to bill on a day of care");
        }
    }
    if (random_->chance(500)) add_discharge_medication(document, history);
    add_consents(document);
    return document;
}

void DocumentBuilder::add_consents(Document &document) {
    Consent consent{"C1", document.patient.age_on(document.admitted) >= 18 ? "patient" : "guardian", "", {}};
    long first_day = document.discharged;
    for (const auto &line : document.lines) {
        const CatalogRow *row = pack_->find(line.code);
        if (row && row->paid()) continue;
        consent.items.push_back(line.id);
        first_day = std::min(first_day, line.day);
    }
    if (consent.items.empty()) return;
    consent.signed_time = iso_date(first_day) + "T08:30:00+08:00";
    document.consents.push_back(std::move(consent));
}

}  // namespace workload
