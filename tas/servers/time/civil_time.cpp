#include "servers/time/civil_time.h"

namespace tas::time {
namespace {

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d, counting in eras of 400 years (146,097
// days) of a calendar that starts in March, so the leap day ends a year.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(y - era * 400);                 // 0-399
  const unsigned day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // 0-365
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

}  // namespace

Result<uint64_t> to_unix_seconds(const CivilTime& t) {
  if (t.year < 1970 || t.year > 999'999 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > days_in_month(t.year, t.month) || t.hour > 23 || t.minute > 59 || t.second > 60)
    return fail(Error::invalid_argument);
  const int64_t days = days_from_civil(t.year, t.month, t.day);
  return static_cast<uint64_t>(days) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

CivilTime from_unix_seconds(uint64_t seconds) {
  const auto days = static_cast<int64_t>(seconds / 86400);
  const auto in_day = static_cast<unsigned>(seconds % 86400);
  // The inverse of days_from_civil.
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2);
  return CivilTime{year, month, day, in_day / 3600, in_day / 60 % 60, in_day % 60};
}

Result<unsigned> from_bcd(uint8_t bcd) {
  const unsigned hi = bcd >> 4, lo = bcd & 0xf;
  if (hi > 9 || lo > 9) return fail(Error::invalid_argument);
  return hi * 10 + lo;
}

}  // namespace tas::time
