// The workload generator's documents: the model of one request, its XML, a
// patient's history of tests and supplies, and the builder of clean outpatient
// visits and inpatient stays, which no rule of the engine should fault.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workload_pack.hpp"
#include "workload_random.hpp"
#include "workload_world.hpp"

namespace workload {

struct Patient {
    std::string id, name, gender, birth_date, insurance_no;
    long birth_day = 0;
    int age_on(long day) const;  // in full years, one more on the birthday
};

// The identity as read at registration.
struct Card {
    std::string source, id, name, gender, birth_date;
};

struct Diagnosis {
    std::string code, name;
};

struct Line {
    std::string id, kind, code, name, unit;
    long day = 0;
    int days = 0;  // a drug's supply; 0 writes no days attribute
    int quantity = 1;
    long price_cents = 0;
    bool discharge_medication = false;
    std::optional<std::string> physician;  // the item's own physician attribute
    std::string insurance_class;           // the HIS's class (A, B, C); "" writes none
    std::string operation;                 // a surgery's operation; "" writes none
    long list_price_cents = 0;             // 0 writes no list-price
};

struct Consent {
    std::string id, signer, signed_time;  // signed_time "" is a form not yet signed
    std::vector<std::string> items;
};

struct Document {
    long number = 0;  // in the whole workload: names the file and the encounter
    const Institution *institution = nullptr;
    std::optional<Physician> physician;  // nullopt writes no <physician>
    Patient patient;                     // as the clerk recorded it
    std::optional<Card> card;
    bool inpatient = false;
    long admitted = 0, discharged = 0;  // an outpatient visit: its day, twice
    std::vector<Diagnosis> diagnoses;   // the first is the primary one
    std::vector<Line> lines;
    std::vector<Consent> consents;
    // Written when not empty: the institution's level instead of its own,
    // encounter/@insurance and encounter/@channel.
    std::string level, insurance, channel;

    Line &add_line(Line line);  // numbers it: ids are 1, 2, 3, …
    std::string encounter_id() const;
    std::string path() const;  // sortable, at most 1000 files a folder: 00012/00012345.xml
};

std::string document_xml(const Document &document);

// What a patient has had so far, so that a clean document repeats no test
// within its retest interval and no drug while a supply lasts (DUP-TEST,
// DUP-DRUG), bills no item with its charge pair's other on one day
// (DUP-CHARGE) and no service beyond its frequency limit (LIMIT-FREQUENCY).  It looks both ways in time, as the engine's look-ups do, and
// counts look-alikes of a retest group and forms of one generic.
class PatientHistory {
public:
    explicit PatientHistory(const Pack &pack) : pack_(&pack) {}
    bool allows(const std::string &kind, const std::string &code, long day, int days) const;
    void record(const Line &line);

private:
    struct Test {
        long day;
        int interval;
    };
    struct Supply {
        long first, last;
    };
    const Pack *pack_;
    std::map<std::string, std::vector<Test>> tests_;       // by retest group
    std::map<std::string, std::vector<Supply>> supplies_;  // by generic
    std::set<std::pair<long, std::string>> billed_;        // day, code
    std::map<std::string, std::vector<std::pair<long, int>>> limited_;  // by code: day, quantity
};

// What a story asks of one document beyond being clean.
struct VisitWish {
    std::vector<Diagnosis> diagnoses;             // used as given (a follow-up, a readmission)
    std::vector<std::string> needed_indications;  // each matched by some diagnosis
    std::vector<std::string> avoided_indications; // matched by none
    std::vector<Line> forced;                     // lines written first, whatever the history says
    std::set<long> idle_days;                     // inpatient days billing only bed and nursing
    const Physician *physician = nullptr;         // else one of the department, free on the dates
};

class DocumentBuilder {
public:
    DocumentBuilder(const Pack &pack, const World &world, Random &random);

    Document outpatient(const Patient &patient, PatientHistory &history, long day, const Institution &institution,
                        const VisitWish &wish);
    Document inpatient(const Patient &patient, PatientHistory &history, long admitted, long length,
                       const Institution &institution, const VisitWish &wish);

    // A clean supply: up to the outpatient or discharge limit, a long-term drug up to 28 days.
    int clean_supply_days(const CatalogRow &row, bool discharge);
    Line line_for(const CatalogRow &row, long day, int days) const;
    Line non_catalog_line(long day);  // the hospital's own dressing: a code no catalog row holds
    // A signed consent covering the self-paid and non-catalog lines, if there are any.
    void add_consents(Document &document);

private:
    // The catalog's restrictions (gender, age, indications) hold for this
    // patient, day and diagnoses; class C rows have none.
    bool fits(const CatalogRow &row, const Patient &patient, long day, const std::vector<Diagnosis> &diagnoses) const;
    Document start(const Patient &patient, const Institution &institution, bool inpatient, long first, long last,
                   const VisitWish &wish);
    std::vector<Diagnosis> diagnoses_for(const Patient &patient, long day, bool inpatient, const VisitWish &wish);
    const CatalogRow *candidate(const Document &document);
    bool try_add(Document &document, PatientHistory &history, const CatalogRow &row, long day, int days);
    void add(Document &document, PatientHistory &history, Line line);
    void add_admission_tests(Document &document, PatientHistory &history, long day);
    void add_discharge_medication(Document &document, PatientHistory &history);

    const Pack *pack_;
    const World *world_;
    Random *random_;
    const CatalogRow *consultation_ = nullptr;  // the outpatient consultation fee
    const CatalogRow *infusion_ = nullptr;      // daily care a stay can always bill
    const CatalogRow *infusion_set_ = nullptr;
    std::vector<const CatalogRow *> stay_charges_;  // bed, nursing: every day of a stay
    std::vector<const CatalogRow *> general_;       // paid drugs, tests, exams, treatments, materials
    std::vector<const CatalogRow *> drugs_;         // paid drugs
    std::vector<const CatalogRow *> tests_;         // paid tests and exams
    std::map<std::string, std::vector<const CatalogRow *>> typical_;  // by diagnosis code
};

}  // namespace workload
