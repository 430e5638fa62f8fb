// The synthetic region the workload generator's patients live in: eight
// hospitals of Qiannan prefecture with their departments and physicians,
// common diagnoses, names, birth regions, and the agency's suspensions.
#pragma once
#include <string>
#include <vector>

#include "workload_random.hpp"

namespace workload {

// Day numbers count from 1970-01-01 (tests/civil_date.hpp).  First visits
// fall in 2025, so every birth date is in the past on any machine running this.
long epoch_day();

struct DiagnosisKind {
    std::string code, name, department;
    std::string gender;  // "" for both
    int min_age, max_age;
    bool outpatient, inpatient;
    bool chronic;                      // may stand beside another diagnosis
    std::vector<std::string> typical;  // code prefixes of catalog items typical of it
};
const std::vector<DiagnosisKind> &diagnosis_kinds();

// Medical departments see children under 14 in paediatrics.
std::string department_for(const DiagnosisKind &kind, int age);

struct Physician {
    std::string code, name, department;
    bool sanctioned = false;  // the ledger suspends this one for a period now and then
};

struct Institution {
    size_t index = 0;
    std::string code, level;
    std::vector<Physician> physicians;
};

class World {
public:
    explicit World(Random &random);

    const std::vector<Institution> &institutions() const { return institutions_; }

    // A physician of the department (a general practitioner when it has none
    // free) who may bill on every day from `from` to `to`.
    const Physician &physician(const Institution &institution, const std::string &department, long from, long to,
                               Random &random) const;

    // The suspensions: one institution's sanctioned physician at a time, each
    // for a 92-day period, the institutions taking turns.
    bool suspended(const Institution &institution, const Physician &physician, long from, long to) const;
    const Institution &institution_with_suspension_on(long day) const;
    const Physician &sanctioned(const Institution &institution) const;
    std::string ledger_xml() const;  // the agency's <ledger> with every suspension

private:
    std::vector<Institution> institutions_;
};

std::string person_name(Random &random, const std::string &gender);
// The same name with its last character mistyped.
std::string misspelt_name(Random &random, const std::string &name, const std::string &gender);
const std::vector<std::string> &birth_regions();

}  // namespace workload
