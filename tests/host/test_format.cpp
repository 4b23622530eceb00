#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "lib/format.h"

namespace {

#pragma GCC diagnostic ignored "-Wformat-security"
std::string fmt(const char* f, auto... args) {
  char buf[128];
  lib::format(buf, sizeof buf, f, args...);
  return buf;
}

std::string libc(const char* f, auto... args) {
  char buf[128];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

TEST(Format, MatchesLibcForSupportedConversions) {
  EXPECT_EQ(fmt("%d %i %u", -42, 7, 3000000000u), libc("%d %i %u", -42, 7, 3000000000u));
  EXPECT_EQ(fmt("%x %X %#x", 0xbeefu, 0xbeefu, 0x10u), libc("%x %X %#x", 0xbeefu, 0xbeefu, 0x10u));
  EXPECT_EQ(fmt("%016lx|%-6d|%6d|%06d", 0xabcUL, 5, -5, -5),
            libc("%016lx|%-6d|%6d|%06d", 0xabcUL, 5, -5, -5));
  EXPECT_EQ(fmt("%ld %lld %zu", -1L, -9223372036854775807LL - 1, size_t{12}),
            libc("%ld %lld %zu", -1L, -9223372036854775807LL - 1, size_t{12}));
  EXPECT_EQ(fmt("%s|%8s|%-8s|%c|%%", "ab", "ab", "ab", 'z'),
            libc("%s|%8s|%-8s|%c|%%", "ab", "ab", "ab", 'z'));
  void* p = reinterpret_cast<void*>(0x1234);
  EXPECT_EQ(fmt("%p", p), libc("%p", p));
}

TEST(Format, TruncatesAndReportsFullLength) {
  char buf[6];
  EXPECT_EQ(lib::format(buf, sizeof buf, "%s", "hello world"), 11u);
  EXPECT_STREQ(buf, "hello");
  EXPECT_EQ(lib::format(nullptr, 0, "%d", 12345), 5u);
}

TEST(Format, NullStringAndUnknownConversionAreHarmless) {
  const char* volatile null_string = nullptr;  // hidden from -Wformat
  EXPECT_EQ(fmt("%s", null_string), "(null)");
  const char* volatile unknown = "a%qb";
  const char* volatile trailing = "end%";
  EXPECT_EQ(fmt(unknown), "a%qb");
  EXPECT_EQ(fmt(trailing), "end%");
}

}  // namespace
