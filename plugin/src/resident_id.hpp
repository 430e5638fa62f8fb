// GB 11643-1999 citizen identification numbers: 6-digit region, 8-digit
// birth date, 3-digit sequence (odd for men), ISO 7064 MOD 11-2 check digit.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "dates.hpp"

namespace medlint {

bool is_province_code(std::string_view two_digits);

struct ResidentIdFacts {
    enum class Problem { none, malformed, region, birth_date, check_digit } problem = Problem::none;
    char expected_check = 0;  // set for Problem::check_digit
    std::optional<Date> birth_date;
    std::string gender;  // "M" or "F"
};

// `today` bounds the birth date: nobody is born in the future.
ResidentIdFacts inspect_resident_id(std::string_view number, Date today);

}  // namespace medlint
