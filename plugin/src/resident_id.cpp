#include "resident_id.hpp"

#include <cstring>

namespace medlint {

bool is_province_code(std::string_view two) {
    static const char *const codes[] = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
                                        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
                                        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"};
    for (const char *code : codes)
        if (two == code) return true;
    return false;
}

ResidentIdFacts inspect_resident_id(std::string_view number, Date today) {
    using Problem = ResidentIdFacts::Problem;
    ResidentIdFacts facts;
    bool shape = number.size() == 18;
    for (size_t i = 0; shape && i < 17; ++i) shape = number[i] >= '0' && number[i] <= '9';
    if (!shape || !((number[17] >= '0' && number[17] <= '9') || number[17] == 'X' || number[17] == 'x')) {
        facts.problem = Problem::malformed;
        return facts;
    }
    facts.gender = (number[16] - '0') % 2 == 1 ? "M" : "F";
    if (!is_province_code(number.substr(0, 2))) {
        facts.problem = Problem::region;
        return facts;
    }
    std::string birth = std::string(number.substr(6, 4)) + "-" + std::string(number.substr(10, 2)) + "-" +
                        std::string(number.substr(12, 2));
    facts.birth_date = Date::parse(birth);
    if (!facts.birth_date || facts.birth_date->year() < 1880 || today < *facts.birth_date) {
        facts.birth_date.reset();
        facts.problem = Problem::birth_date;
        return facts;
    }
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (number[static_cast<size_t>(i)] - '0') * weights[i];
    facts.expected_check = "10X98765432"[sum % 11];
    char actual = number[17] == 'x' ? 'X' : number[17];
    if (actual != facts.expected_check) facts.problem = Problem::check_digit;
    return facts;
}

}  // namespace medlint
