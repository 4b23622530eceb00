#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "boot/fdt.h"

namespace {

std::vector<uint8_t> load_virt_dtb() {
  std::ifstream f(VIRT_DTB_PATH, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(Fdt, ReadsQemuVirtMemoryAndBootargs) {
  auto dtb = load_virt_dtb();
  ASSERT_GT(dtb.size(), 100u);
  EXPECT_EQ(boot::fdt_size(dtb.data()), dtb.size());
  boot::MemoryMap map;
  boot::FdtInfo info;
  boot::FdtError err{};
  ASSERT_TRUE(boot::fdt_parse(dtb.data(), dtb.size(), map, info, err)) << boot::to_string(err);
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map[0].base, 0x40000000u);
  EXPECT_EQ(map[0].size, 512u << 20);
  ASSERT_NE(info.bootargs, nullptr);
  EXPECT_EQ(std::string(info.bootargs, info.bootargs_length), "log=debug halt");
}

TEST(Fdt, RejectsBadMagicVersionAndTruncation) {
  auto dtb = load_virt_dtb();
  boot::MemoryMap map;
  boot::FdtInfo info;
  boot::FdtError err{};
  auto bad = dtb;
  bad[0] ^= 0xff;
  EXPECT_FALSE(boot::fdt_parse(bad.data(), bad.size(), map, info, err));
  EXPECT_EQ(err, boot::FdtError::bad_magic);
  EXPECT_FALSE(boot::fdt_parse(dtb.data(), dtb.size() / 2, map, info, err));
  EXPECT_EQ(err, boot::FdtError::truncated);
  EXPECT_FALSE(boot::fdt_parse(dtb.data(), 10, map, info, err));
  bad = dtb;
  bad[23] = 1;  // version 1
  EXPECT_FALSE(boot::fdt_parse(bad.data(), bad.size(), map, info, err));
  EXPECT_EQ(err, boot::FdtError::bad_version);
}

// Corrupt blobs must give an error or a result, never a wild read (ASan
// watches every access of the parser).
TEST(Fdt, SurvivesRandomCorruption) {
  const auto dtb = load_virt_dtb();
  std::mt19937 rng(1234);
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> blob = dtb;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) blob[rng() % blob.size()] = static_cast<uint8_t>(rng());
    // Keep a fresh heap copy of exactly the blob's size, so ASan catches overreads.
    std::vector<uint8_t> exact(blob.begin(), blob.end());
    boot::MemoryMap map;
    boot::FdtInfo info;
    boot::FdtError err{};
    if (boot::fdt_parse(exact.data(), exact.size(), map, info, err)) ++parsed;
    if (info.bootargs != nullptr) {
      EXPECT_GE(info.bootargs, reinterpret_cast<const char*>(exact.data()));
      EXPECT_LE(info.bootargs + info.bootargs_length,
                reinterpret_cast<const char*>(exact.data() + exact.size()));
    }
  }
  EXPECT_GT(parsed, 0);  // most single flips land in payload bytes
}

}  // namespace
