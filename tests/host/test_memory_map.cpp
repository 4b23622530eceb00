#include <gtest/gtest.h>

#include "boot/memory_map.h"

using boot::MemoryMap;
using boot::RegionKind;

TEST(MemoryMap, CarveSplitsUsableRegion) {
  MemoryMap m;
  ASSERT_TRUE(m.add(0x1000, 0x9000, RegionKind::usable));
  ASSERT_TRUE(m.carve(0x3000, 0x2000, RegionKind::kernel));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].base, 0x1000u);
  EXPECT_EQ(m[0].size, 0x2000u);
  EXPECT_EQ(m[1].kind, RegionKind::kernel);
  EXPECT_EQ(m[1].base, 0x3000u);
  EXPECT_EQ(m[2].base, 0x5000u);
  EXPECT_EQ(m[2].end(), 0xa000u);
  EXPECT_EQ(m.total(RegionKind::usable), 0x7000u);
}

TEST(MemoryMap, CarveAcrossTwoRegionsAndEdges) {
  MemoryMap m;
  m.add(0x10000, 0x10000, RegionKind::usable);
  m.add(0x0, 0x10000, RegionKind::usable);
  ASSERT_TRUE(m.carve(0xf000, 0x2000, RegionKind::reserved));
  EXPECT_EQ(m.total(RegionKind::reserved), 0x2000u);
  EXPECT_EQ(m.total(RegionKind::usable), 0x1e000u);
  for (size_t i = 1; i < m.size(); ++i) EXPECT_LE(m[i - 1].end(), m[i].base);
}

TEST(MemoryMap, FullMapRefusesMore) {
  MemoryMap m;
  for (size_t i = 0; i < MemoryMap::kMaxRegions; ++i)
    ASSERT_TRUE(m.add(i * 0x2000, 0x1000, RegionKind::usable));
  EXPECT_FALSE(m.add(0x1000000, 0x1000, RegionKind::usable));
  EXPECT_EQ(m.size(), MemoryMap::kMaxRegions);
}
