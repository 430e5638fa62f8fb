// Calendar dates as day numbers, so that intervals are plain subtraction.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace medlint {

struct Date {
    int days = 0;  // days since 1970-01-01

    static std::optional<Date> parse(std::string_view text);  // strict YYYY-MM-DD
    static Date from_civil(int year, unsigned month, unsigned day);
    static Date today_china();  // the calendar date in China Standard Time (UTC+8)
    int year() const;
    unsigned month() const;  // 1 to 12
    unsigned day() const;    // 1 to 31
    // Age in full years on this day of someone born on `birth`: one more on each birthday.
    int full_years_since(Date birth) const;
    std::string str() const;
    friend bool operator<(Date a, Date b) { return a.days < b.days; }
    friend bool operator<=(Date a, Date b) { return a.days <= b.days; }
    friend bool operator==(Date a, Date b) { return a.days == b.days; }
    friend bool operator!=(Date a, Date b) { return a.days != b.days; }
    friend int operator-(Date a, Date b) { return a.days - b.days; }
    friend Date operator+(Date a, int count) { return Date{a.days + count}; }
    friend Date operator-(Date a, int count) { return Date{a.days - count}; }
};

bool is_valid_civil(int year, unsigned month, unsigned day);

// Calendar arithmetic on months, clamping the day (31 January + 1 month = 28 or 29 February).
// Total for every date: years past 9999 are days like any other, never an endless search.
Date add_months(Date date, int months);

// The dates a request may name.  Policy arithmetic reaches at most 30 years past a
// date (a bar) and kLedgerYearsBack before it, so every result stays a four-digit year.
constexpr const char *kFirstSupportedDate = "1900-01-01";
constexpr const char *kLastSupportedDate = "9899-12-31";
bool is_supported(Date date);

// ISO 8601 date-time with a UTC offset ("2026-11-23T09:30:00+08:00" or "...Z").
// Returns the local calendar date it names.
std::optional<Date> parse_timestamp_date(std::string_view text);

}  // namespace medlint
