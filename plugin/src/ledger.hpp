// A row of the physician ledger as the store keeps it: a deduction, bonus,
// repair, reversal or sanction imported from the agency's notices.
#pragma once
#include <optional>
#include <string>

#include "dates.hpp"

namespace medlint {

struct LedgerRow {
    std::string kind, physician, notice, text, sanction_kind;
    Date date;
    std::optional<Date> until, reversed_on;
    int points = 0;
};

}  // namespace medlint
