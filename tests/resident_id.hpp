// GB 11643 resident-id numbers for test and benchmark hosts that build
// requests.  Kept apart from the engine's own check (plugin/src/resident_id.cpp),
// so tests check the engine against an independent implementation.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace test_ids {

// The ISO 7064 MOD 11-2 check character of the first 17 digits.
inline char check_character(std::string_view first17) {
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
    return "10X98765432"[sum % 11];
}

// A GB 11643 resident id: 6-digit region, birth date, 3-digit sequence (odd
// for men), check character.
inline std::string resident_id(const std::string &region, const std::string &birth_date, unsigned sequence) {
    char sequence_digits[16];
    std::snprintf(sequence_digits, sizeof sequence_digits, "%03u", sequence % 1000);
    std::string id = region + birth_date.substr(0, 4) + birth_date.substr(5, 2) + birth_date.substr(8, 2) +
                     sequence_digits;
    return id + check_character(id);
}

}  // namespace test_ids
