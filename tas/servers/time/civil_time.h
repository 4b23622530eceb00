// Dates as an RTC keeps them (UTC, Gregorian calendar) and seconds since
// the Unix epoch, both ways; and the BCD digits CMOS RTCs store. Portable:
// tested on the host (tests/host/test_civil_time.cpp).
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace tas::time {

struct CivilTime {
  int64_t year;     // e.g. 2026
  unsigned month;   // 1-12
  unsigned day;     // 1-31
  unsigned hour;    // 0-23
  unsigned minute;  // 0-59
  unsigned second;  // 0-59 (a leap second, 60, is taken as the next minute's 0)
};

// Seconds since 1970-01-01 00:00:00 UTC; Error::invalid_argument for a
// field out of range (a February 30th, a 25th hour) or a date before 1970.
Result<uint64_t> to_unix_seconds(const CivilTime& t);
// The date of `seconds` since the epoch.
CivilTime from_unix_seconds(uint64_t seconds);
// Two BCD digits (0x59 -> 59); Error::invalid_argument if a nibble is > 9.
Result<unsigned> from_bcd(uint8_t bcd);

}  // namespace tas::time
