// Field-by-field comparison of two request models, for the tests that prove
// a national envelope and its translation to the contract's XML read alike
// (the unit tests and the national fuzz target).  Links the engine's objects.
#pragma once
#include <string>
#include <vector>

#include "request.hpp"

namespace test {

// The fields in which `a` and `b` differ, each named by its path and values
// ("items[1].quantity: 2 vs 2.5"); empty when they are the same.  Where each
// part stood (line) is not a field: an envelope has no lines.
class DocumentDifferences {
public:
    DocumentDifferences(const medlint::Document &a, const medlint::Document &b) { document(a, b); }
    const std::vector<std::string> &list() const { return list_; }
    std::string text() const {
        std::string out;
        for (const auto &difference : list_) out += difference + "\n";
        return out;
    }

private:
    template <class T>
    void field(const std::string &path, const T &a, const T &b) {
        if (!(a == b)) list_.push_back(path + ": " + shown(a) + " vs " + shown(b));
    }
    static std::string shown(const std::string &value) { return "\"" + value + "\""; }
    static std::string shown(bool value) { return value ? "true" : "false"; }
    static std::string shown(double value) { return std::to_string(value); }
    static std::string shown(int value) { return std::to_string(value); }
    static std::string shown(medlint::Date value) { return value.str(); }
    static std::string shown(const std::optional<medlint::Date> &value) { return value ? value->str() : "none"; }
    static std::string shown(const std::optional<double> &value) { return value ? std::to_string(*value) : "none"; }
    static std::string shown(medlint::Mode value) { return medlint::to_string(value); }
    static std::string shown(medlint::InsuranceClass value) { return medlint::to_string(value); }
    static std::string shown(const std::vector<std::string> &value) {
        std::string out;
        for (const auto &one : value) out += (out.empty() ? "" : " ") + one;
        return "[" + out + "]";
    }
    template <class T>
    void size(const std::string &path, const std::vector<T> &a, const std::vector<T> &b) {
        field(path + ".size()", static_cast<int>(a.size()), static_cast<int>(b.size()));
    }

    void identity(const std::string &path, const medlint::Identity &a, const medlint::Identity &b) {
        field(path + ".id", a.id, b.id);
        field(path + ".name", a.name, b.name);
        field(path + ".gender", a.gender, b.gender);
        field(path + ".birth_date", a.birth_date, b.birth_date);
    }

    void patient(const medlint::Patient &a, const medlint::Patient &b) {
        identity("patient", a, b);
        field("patient.id_type", a.id_type, b.id_type);
        field("patient.insurance_no", a.insurance_no, b.insurance_no);
        field("patient.card", a.card.has_value(), b.card.has_value());
        if (!a.card || !b.card) return;
        identity("patient.card", *a.card, *b.card);
        field("patient.card.source", a.card->source, b.card->source);
    }

    void encounter(const medlint::Encounter &a, const medlint::Encounter &b) {
        field("encounter.id", a.id, b.id);
        field("encounter.type", a.type, b.type);
        field("encounter.admitted", a.admitted, b.admitted);
        field("encounter.discharged", a.discharged, b.discharged);
        field("encounter.rescue", a.rescue, b.rescue);
        field("encounter.insurance", a.insurance, b.insurance);
        field("encounter.channel", a.channel, b.channel);
        size("encounter.diagnoses", a.diagnoses, b.diagnoses);
        for (size_t i = 0; i < a.diagnoses.size() && i < b.diagnoses.size(); ++i) {
            std::string path = "encounter.diagnoses[" + std::to_string(i) + "]";
            field(path + ".code", a.diagnoses[i].code, b.diagnoses[i].code);
            field(path + ".name", a.diagnoses[i].name, b.diagnoses[i].name);
            field(path + ".primary", a.diagnoses[i].primary, b.diagnoses[i].primary);
        }
    }

    void item(const std::string &path, const medlint::Item &a, const medlint::Item &b) {
        field(path + ".id", a.id, b.id);
        field(path + ".kind", a.kind, b.kind);
        field(path + ".code", a.code, b.code);
        field(path + ".name", a.name, b.name);
        field(path + ".unit", a.unit, b.unit);
        field(path + ".prescription", a.prescription, b.prescription);
        field(path + ".operation", a.operation, b.operation);
        field(path + ".insurance_class", a.insurance_class, b.insurance_class);
        field(path + ".physician", a.physician, b.physician);
        field(path + ".own_physician", a.own_physician, b.own_physician);
        field(path + ".quantity", a.quantity, b.quantity);
        field(path + ".price", a.price, b.price);
        field(path + ".list_price", a.list_price, b.list_price);
        field(path + ".days", a.days, b.days);
        field(path + ".date", a.date, b.date);
        field(path + ".discharge_medication", a.discharge_medication, b.discharge_medication);
        field(path + ".approved", a.approved, b.approved);
    }

    void consent(const std::string &path, const medlint::Consent &a, const medlint::Consent &b) {
        field(path + ".id", a.id, b.id);
        field(path + ".signer", a.signer, b.signer);
        field(path + ".signed_time", a.signed_time, b.signed_time);
        field(path + ".items", a.items, b.items);
    }

    void document(const medlint::Document &a, const medlint::Document &b) {
        field("commit", a.commit, b.commit);
        field("mode", a.mode, b.mode);
        field("defer_audit", a.defer_audit, b.defer_audit);
        field("time", a.time, b.time);
        field("institution.code", a.institution.code, b.institution.code);
        field("institution.level", a.institution.level, b.institution.level);
        field("physician", a.physician.has_value(), b.physician.has_value());
        if (a.physician && b.physician) {
            field("physician.code", a.physician->code, b.physician->code);
            field("physician.name", a.physician->name, b.physician->name);
            field("physician.dept", a.physician->dept, b.physician->dept);
        }
        patient(a.patient, b.patient);
        encounter(a.encounter, b.encounter);
        size("items", a.items, b.items);
        for (size_t i = 0; i < a.items.size() && i < b.items.size(); ++i)
            item("items[" + std::to_string(i) + "]", a.items[i], b.items[i]);
        size("consents", a.consents, b.consents);
        for (size_t i = 0; i < a.consents.size() && i < b.consents.size(); ++i)
            consent("consents[" + std::to_string(i) + "]", a.consents[i], b.consents[i]);
    }

    std::vector<std::string> list_;
};

}  // namespace test
