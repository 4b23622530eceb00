// Dates and Unix seconds (tas/servers/time/civil_time.h), against values
// the host's C library computes.
#include <gtest/gtest.h>

#include <ctime>

#include "servers/time/civil_time.h"

namespace {

using tas::time::CivilTime;

TEST(CivilTime, KnownDates) {
  EXPECT_EQ(*tas::time::to_unix_seconds({1970, 1, 1, 0, 0, 0}), 0u);
  EXPECT_EQ(*tas::time::to_unix_seconds({2000, 2, 29, 12, 0, 0}), 951825600u);
  EXPECT_EQ(*tas::time::to_unix_seconds({2031, 5, 6, 7, 8, 9}), 1935817689u);
  EXPECT_EQ(*tas::time::to_unix_seconds({2038, 1, 19, 3, 14, 8}), 2147483648u);
}

TEST(CivilTime, BothWaysAgreeWithTheHostLibrary) {
  // Every day from 1970 to 2200 at a time that moves through the day.
  for (uint64_t s = 0; s < 7'258'118'400u; s += 86400 + 3607) {
    const time_t t = static_cast<time_t>(s);
    struct tm tm;
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    const CivilTime c = tas::time::from_unix_seconds(s);
    ASSERT_EQ(c.year, tm.tm_year + 1900) << s;
    ASSERT_EQ(c.month, static_cast<unsigned>(tm.tm_mon + 1)) << s;
    ASSERT_EQ(c.day, static_cast<unsigned>(tm.tm_mday)) << s;
    ASSERT_EQ(c.hour, static_cast<unsigned>(tm.tm_hour)) << s;
    ASSERT_EQ(c.minute, static_cast<unsigned>(tm.tm_min)) << s;
    ASSERT_EQ(c.second, static_cast<unsigned>(tm.tm_sec)) << s;
    auto back = tas::time::to_unix_seconds(c);
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(*back, s);
  }
}

TEST(CivilTime, RefusesImpossibleDates) {
  const CivilTime bad[] = {{2023, 2, 29, 0, 0, 0},  {2024, 13, 1, 0, 0, 0}, {2024, 0, 1, 0, 0, 0},
                           {2024, 4, 31, 0, 0, 0},  {2024, 1, 1, 24, 0, 0}, {2024, 1, 1, 0, 60, 0},
                           {1969, 12, 31, 0, 0, 0}, {2024, 1, 0, 0, 0, 0}};
  for (const CivilTime& c : bad) EXPECT_FALSE(tas::time::to_unix_seconds(c).has_value());
  EXPECT_TRUE(tas::time::to_unix_seconds({2024, 2, 29, 23, 59, 59}).has_value());
  EXPECT_TRUE(tas::time::to_unix_seconds({2100, 2, 28, 0, 0, 0}).has_value());
  EXPECT_FALSE(tas::time::to_unix_seconds({2100, 2, 29, 0, 0, 0}).has_value());
}

TEST(CivilTime, Bcd) {
  EXPECT_EQ(*tas::time::from_bcd(0x59), 59u);
  EXPECT_EQ(*tas::time::from_bcd(0x00), 0u);
  EXPECT_FALSE(tas::time::from_bcd(0x5a).has_value());
  EXPECT_FALSE(tas::time::from_bcd(0xa0).has_value());
}

}  // namespace
