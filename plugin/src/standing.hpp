// A physician's points and standing in a calendar year, from the ledger.
#pragma once
#include <string>
#include <vector>

#include "knowledge.hpp"
#include "store.hpp"

namespace medlint {

struct PhysicianSummary {
    std::string code;
    int year = 0;
    int deducted = 0, bonus = 0, remaining = 12;
    std::string standing = "active", until;
};

// The year of `as_of`, counting ledger rows dated on or before it.
PhysicianSummary summarize_physician(const std::string &code, const std::vector<LedgerRow> &rows, Date as_of,
                                     const Knowledge &knowledge, const std::string &profile);

}  // namespace medlint
