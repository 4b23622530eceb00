#include <gtest/gtest.h>

#include "core/io_port_set.h"

namespace {

TEST(IoPortSet, AllowsWhatWasGrantedAndNothingElse) {
  core::IoPortSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.generation(), 0u);
  EXPECT_FALSE(s.allows(0x3f8));
  ASSERT_TRUE(s.allow(0x3f8, 8).has_value());
  EXPECT_TRUE(s.allows(0x3f8));
  EXPECT_TRUE(s.allows(0x3ff));
  EXPECT_FALSE(s.allows(0x3f7));
  EXPECT_FALSE(s.allows(0x400));
  EXPECT_FALSE(s.allows(0x3f8 - 0x10000));  // no wrap-around
  ASSERT_TRUE(s.allow(0xffff, 1).has_value());
  EXPECT_TRUE(s.allows(0xffff));
  EXPECT_EQ(s.size(), 2u);
}

TEST(IoPortSet, GenerationsChangeWithGrantsAndDifferAcrossSets) {
  core::IoPortSet a, b;
  ASSERT_TRUE(a.allow(0x60, 1).has_value());
  const uint64_t first = a.generation();
  EXPECT_NE(first, 0u);
  ASSERT_TRUE(a.allow(0x60, 1).has_value());  // nothing new: same set
  EXPECT_EQ(a.generation(), first);
  EXPECT_EQ(a.size(), 1u);
  ASSERT_TRUE(a.allow(0x64, 1).has_value());
  EXPECT_NE(a.generation(), first);
  ASSERT_TRUE(b.allow(0x60, 1).has_value());  // same ports, another set
  EXPECT_NE(b.generation(), first);
  EXPECT_NE(b.generation(), a.generation());
}

TEST(IoPortSet, RangesAreLimited) {
  core::IoPortSet s;
  for (uint32_t i = 0; i < core::IoPortSet::kMaxRanges; ++i)
    ASSERT_TRUE(s.allow(0x100 * (i + 1), 4).has_value());
  auto r = s.allow(0x5000, 1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), Error::limit_reached);
  EXPECT_FALSE(s.allows(0x5000));
  EXPECT_TRUE(s.allow(0x101, 2).has_value());  // inside a range it has
}

}  // namespace
