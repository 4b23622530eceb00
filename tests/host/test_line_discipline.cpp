#include <gtest/gtest.h>

#include <string>

#include "servers/console/line_discipline.h"

namespace {

using tas::console::LineDiscipline;

// Feeds `typed` and returns everything echoed.
std::string type(LineDiscipline& d, const std::string& typed) {
  std::string echoed;
  char echo[LineDiscipline::kEchoMax];
  for (char c : typed) echoed.append(echo, d.feed(c, echo));
  return echoed;
}

std::string take(LineDiscipline& d, size_t max = 1000) {
  std::string out(max, '\0');
  out.resize(d.take(out.data(), max));
  return out;
}

TEST(LineDiscipline, EchoesAndCompletesLinesOnEnter) {
  LineDiscipline d;
  EXPECT_EQ(type(d, "hello"), "hello");
  EXPECT_FALSE(d.has_line());
  EXPECT_EQ(take(d), "");
  EXPECT_EQ(type(d, "\r"), "\r\n");
  EXPECT_TRUE(d.has_line());
  EXPECT_EQ(take(d), "hello\n");
  EXPECT_FALSE(d.has_line());
  EXPECT_EQ(d.lines_completed(), 1u);
}

TEST(LineDiscipline, CrLfEndsOneLineAndLfAloneEndsOne) {
  LineDiscipline d;
  type(d, "a\r\nb\n\n");
  EXPECT_EQ(take(d), "a\n");
  EXPECT_EQ(take(d), "b\n");
  EXPECT_EQ(take(d), "\n");  // an empty line is a line
  EXPECT_FALSE(d.has_line());
}

TEST(LineDiscipline, BackspaceAndKillLineEdit) {
  LineDiscipline d;
  EXPECT_EQ(type(d, "abX\x7f"), "abX\b \b");
  EXPECT_EQ(type(d, "\b\b\b"), "\b \b\b \b");  // the third finds nothing to erase
  EXPECT_EQ(type(d, "xyz\x15"), "xyz\b \b\b \b\b \b");
  EXPECT_EQ(type(d, "ok\r"), "ok\r\n");
  EXPECT_EQ(take(d), "ok\n");
}

TEST(LineDiscipline, IgnoresOtherControlCharactersAndRingsWhenFull) {
  LineDiscipline d;
  EXPECT_EQ(type(d, "\x01\x1b\x80"), "");
  EXPECT_EQ(type(d, "\t"), "\t");
  type(d, std::string(LineDiscipline::kLineMax - 2, 'x'));
  EXPECT_EQ(type(d, "y"), "\a");  // no room: the '\n' must still fit
  type(d, "\r");
  const std::string line = take(d);
  EXPECT_EQ(line.size(), LineDiscipline::kLineMax);
  EXPECT_EQ(line.back(), '\n');
}

TEST(LineDiscipline, ReadersTakeLinesInPieces) {
  LineDiscipline d;
  type(d, "0123456789\rsecond\r");
  EXPECT_EQ(take(d, 4), "0123");
  EXPECT_EQ(take(d, 4), "4567");
  EXPECT_TRUE(d.has_line());
  EXPECT_EQ(take(d, 4), "89\n");  // a piece stops at its line's end
  EXPECT_EQ(take(d, 32), "second\n");
}

TEST(LineDiscipline, DropsLinesWithNoRoomAndWrapsAround) {
  LineDiscipline d;
  const std::string line(99, 'l');  // 100 bytes with its '\n'
  for (int i = 0; i < 10; ++i) type(d, line + "\r");
  EXPECT_EQ(d.lines_completed(), 10u);
  type(d, line + "\r");  // 1100 > 1024 bytes
  EXPECT_EQ(d.lines_dropped(), 1u);
  for (int round = 0; round < 50; ++round) {  // the ring wraps many times
    EXPECT_EQ(take(d), line + "\n");
    type(d, line + "\r");
  }
  EXPECT_EQ(d.lines_dropped(), 1u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(take(d), line + "\n");
  EXPECT_FALSE(d.has_line());
}

}  // namespace
