#include "dates.hpp"

#include <algorithm>
#include <chrono>

namespace medlint {
namespace {

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool read_digits(std::string_view text, size_t pos, size_t count, int &value) {
    if (pos + count > text.size()) return false;
    value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

// `value` in decimal at `at`, zero-padded to `width` characters with its
// sign, as printf's %0*d writes it; returns the end.  Dates are written
// often enough (two a history look-up) that printf shows in a profile.
char *write_padded(char *at, long long value, int width) {
    if (value < 0) {
        *at++ = '-';
        value = -value;
        --width;
    }
    char digits[20];
    int count = 0;
    do digits[count++] = static_cast<char>('0' + value % 10);
    while ((value /= 10) > 0);
    for (; width > count; --width) *at++ = '0';
    while (count > 0) *at++ = digits[--count];
    return at;
}

struct Civil {
    int year;
    unsigned month, day;
};

// Howard Hinnant's civil_from_days.
Civil civil_from_days(int z) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(yoe) + era * 400 + (month <= 2), month, day};
}

unsigned days_in_month(int year, unsigned month) {
    static const unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month_days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
}

}  // namespace

bool is_valid_civil(int year, unsigned month, unsigned day) {
    if (year < 1800 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
    return day <= days_in_month(year, month);
}

// Howard Hinnant's days_from_civil.
Date Date::from_civil(int year, unsigned month, unsigned day) {
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return Date{era * 146097 + static_cast<int>(doe) - 719468};
}

std::optional<Date> Date::parse(std::string_view text) {
    int year = 0, month = 0, day = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) || !read_digits(text, 8, 2, day))
        return std::nullopt;
    if (!is_valid_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) return std::nullopt;
    return from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

Date Date::today_china() {
    using namespace std::chrono;
    auto hours_since_epoch = duration_cast<hours>(system_clock::now().time_since_epoch()).count() + 8;  // UTC+8
    return Date{static_cast<int>(hours_since_epoch / 24)};
}

int Date::year() const { return civil_from_days(days).year; }
unsigned Date::month() const { return civil_from_days(days).month; }
unsigned Date::day() const { return civil_from_days(days).day; }

Date add_months(Date date, int months) {
    Civil civil = civil_from_days(date.days);
    long long index = static_cast<long long>(civil.year) * 12 + (civil.month - 1) + months;  // months since year 0
    int year = static_cast<int>(index / 12);
    unsigned month = static_cast<unsigned>(index % 12) + 1;
    return Date::from_civil(year, month, std::min(civil.day, days_in_month(year, month)));
}

bool is_supported(Date date) {
    static const Date first = *Date::parse(kFirstSupportedDate), last = *Date::parse(kLastSupportedDate);
    return !(date < first) && !(last < date);
}

int Date::full_years_since(Date birth) const {
    Civil today = civil_from_days(days), born = civil_from_days(birth.days);
    bool before_birthday = today.month < born.month || (today.month == born.month && today.day < born.day);
    return today.year - born.year - (before_birthday ? 1 : 0);
}

std::string Date::str() const {
    Civil civil = civil_from_days(days);
    char text[48];
    char *end = write_padded(text, civil.year, 4);
    *end++ = '-';
    end = write_padded(end, civil.month, 2);
    *end++ = '-';
    end = write_padded(end, civil.day, 2);
    return std::string(text, end);
}

std::optional<Date> parse_timestamp_date(std::string_view text) {
    // YYYY-MM-DDThh:mm[:ss[.fff]](Z|+hh:mm|-hh:mm)
    if (text.size() < 17 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
    auto date = Date::parse(text.substr(0, 10));
    int hour = 0, minute = 0, second = 0;
    if (!date || !read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute))
        return std::nullopt;
    size_t pos = 16;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_digits(text, pos + 1, 2, second)) return std::nullopt;
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            size_t start = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
            if (pos == start) return std::nullopt;
        }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::string_view zone = text.substr(pos);
    int zone_hour = 0, zone_minute = 0;
    bool zone_ok = zone == "Z" || (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                                   read_digits(zone, 1, 2, zone_hour) && zone[3] == ':' &&
                                   read_digits(zone, 4, 2, zone_minute) && zone_hour <= 14 && zone_minute <= 59);
    if (!zone_ok) return std::nullopt;
    return date;
}

}  // namespace medlint
