// Days since 1970-01-01 and back, proleptic Gregorian (H. Hinnant's
// algorithms), for test and benchmark hosts that build request dates.  Kept
// apart from the engine's own date code, so tests check it independently.
#pragma once
#include <cstdio>
#include <string>

namespace test_dates {

inline long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// "YYYY-MM-DD" of a day number.
inline std::string iso_date(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long doe = z - era * 146097;
    const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long mp = (5 * doy + 2) / 153;
    const long d = doy - (153 * mp + 2) / 5 + 1;
    const long m = mp + (mp < 10 ? 3 : -9);
    const long y = yoe + era * 400 + (m <= 2);
    char buffer[72];  // room for any long, so no truncation is possible
    std::snprintf(buffer, sizeof buffer, "%04ld-%02ld-%02ld", y, m, d);
    return buffer;
}

}  // namespace test_dates
