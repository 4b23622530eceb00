#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "boot/fdt.h"
#include "dtb_builder.h"

namespace {

struct Found {
  bool ok;
  boot::FdtError error;
  std::vector<boot::FdtRange> ranges;
};

Found find_reg(const std::vector<uint8_t>& blob, const char* compatible, size_t max = 4) {
  std::vector<boot::FdtRange> ranges(max);
  size_t count = 99;
  boot::FdtError error{};
  const bool ok =
      boot::fdt_find_reg(blob.data(), blob.size(), compatible, ranges.data(), max, count, error);
  ranges.resize(ok ? count : 0);
  return {ok, error, ranges};
}

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

TEST(FdtFindReg, FindsTheGicv3AndTheUartOfQemuVirt) {
  const auto dtb = load_virt_dtb();
  Found gic = find_reg(dtb, "arm,gic-v3");
  ASSERT_TRUE(gic.ok) << boot::to_string(gic.error);
  ASSERT_EQ(gic.ranges.size(), 2u);  // distributor, redistributors
  EXPECT_EQ(gic.ranges[0].base, 0x08000000u);
  EXPECT_EQ(gic.ranges[0].size, 0x10000u);
  EXPECT_EQ(gic.ranges[1].base, 0x080a0000u);
  EXPECT_GE(gic.ranges[1].size, 0x20000u);  // at least one CPU's redistributor
  Found uart = find_reg(dtb, "arm,pl011");
  ASSERT_TRUE(uart.ok);
  ASSERT_EQ(uart.ranges.size(), 1u);
  EXPECT_EQ(uart.ranges[0].base, 0x09000000u);
  // The ITS is a child of the GIC node: "arm,gic-v3" must not match its
  // "arm,gic-v3-its" by prefix, nor the reverse.
  Found its = find_reg(dtb, "arm,gic-v3-its");
  ASSERT_TRUE(its.ok);
  EXPECT_EQ(its.ranges[0].base, 0x08080000u);
  EXPECT_FALSE(find_reg(dtb, "arm,gic").ok);
}

TEST(FdtFindReg, CopiesAtMostMaxRanges) {
  const auto dtb = load_virt_dtb();
  Found one = find_reg(dtb, "arm,gic-v3", 1);
  ASSERT_TRUE(one.ok);
  ASSERT_EQ(one.ranges.size(), 1u);
  EXPECT_EQ(one.ranges[0].base, 0x08000000u);
  Found none = find_reg(dtb, "arm,gic-v3", 0);
  EXPECT_TRUE(none.ok);
  EXPECT_TRUE(none.ranges.empty());
}

TEST(FdtFindReg, MissingDeviceIsNotFound) {
  const auto dtb = load_virt_dtb();
  Found f = find_reg(dtb, "vendor,no-such-device");
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error, boot::FdtError::not_found);
  EXPECT_STREQ(boot::to_string(f.error), "no such device in the device tree");
}

TEST(FdtFindReg, UsesTheParentsCellSizesAndSecondCompatibleStrings) {
  auto dtb = DtbBuilder()
                 .begin("")
                 .prop_cells("#address-cells", {2})
                 .prop_cells("#size-cells", {2})
                 .begin("bus@10000000")
                 .prop_cells("#address-cells", {1})
                 .prop_cells("#size-cells", {1})
                 .begin("timer@1000")
                 .prop_strings("compatible", {"vendor,timer-v2", "vendor,timer"})
                 .prop_cells("reg", {0x1000, 0x100, 0x2000, 0x40})
                 .end()
                 .end()
                 .end()
                 .finish();
  Found f = find_reg(dtb, "vendor,timer");
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  ASSERT_EQ(f.ranges.size(), 2u);
  EXPECT_EQ(f.ranges[0].base, 0x1000u);
  EXPECT_EQ(f.ranges[0].size, 0x100u);
  EXPECT_EQ(f.ranges[1].base, 0x2000u);
  EXPECT_EQ(f.ranges[1].size, 0x40u);
  EXPECT_TRUE(find_reg(dtb, "vendor,timer-v2").ok);
}

TEST(FdtFindReg, SkipsDisabledNodesAndNodesWithoutReg) {
  auto dtb = DtbBuilder()
                 .begin("")
                 .prop_cells("#address-cells", {2})
                 .prop_cells("#size-cells", {2})
                 .begin("uart@a")  // no reg: not a candidate
                 .prop_strings("compatible", {"vendor,uart"})
                 .end()
                 .begin("uart@b")
                 .prop_strings("compatible", {"vendor,uart"})
                 .prop_cells("reg", {0, 0xb000, 0, 0x1000})
                 .prop_strings("status", {"disabled"})  // after reg: order must not matter
                 .end()
                 .begin("uart@c")
                 .prop_strings("status", {"okay"})
                 .prop_strings("compatible", {"vendor,uart"})
                 .prop_cells("reg", {0, 0xc000, 0, 0x1000})
                 .begin("child")  // children begin after the node's own properties
                 .end()
                 .end()
                 .end()
                 .finish();
  Found f = find_reg(dtb, "vendor,uart");
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  ASSERT_EQ(f.ranges.size(), 1u);
  EXPECT_EQ(f.ranges[0].base, 0xc000u);
}

TEST(FdtFindReg, MalformedRegIsAnError) {
  auto dtb = DtbBuilder()
                 .begin("")
                 .prop_cells("#address-cells", {2})
                 .prop_cells("#size-cells", {2})
                 .begin("dev@0")
                 .prop_strings("compatible", {"vendor,dev"})
                 .prop_cells("reg", {0, 0x1000, 0})  // 3 cells: not a whole entry of 4
                 .end()
                 .end()
                 .finish();
  Found f = find_reg(dtb, "vendor,dev");
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error, boot::FdtError::bad_structure);
  auto wide = DtbBuilder()
                  .begin("")
                  .prop_cells("#address-cells", {3})  // PCI-style: not for reg lookups
                  .prop_cells("#size-cells", {2})
                  .begin("dev@0")
                  .prop_strings("compatible", {"vendor,dev"})
                  .prop_cells("reg", {0, 0, 0x1000, 0, 0x10})
                  .end()
                  .end()
                  .finish();
  EXPECT_EQ(find_reg(wide, "vendor,dev").error, boot::FdtError::bad_structure);
}

// Like fdt_parse: a corrupt blob gives an error or a result inside the blob,
// never a wild read (ASan checks every access).
TEST(FdtFindReg, SurvivesRandomCorruption) {
  const auto dtb = load_virt_dtb();
  std::mt19937 rng(4321);
  int found = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> blob = dtb;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) blob[rng() % blob.size()] = static_cast<uint8_t>(rng());
    std::vector<uint8_t> exact(blob.begin(), blob.end());
    Found f = find_reg(exact, "arm,gic-v3");
    if (f.ok) ++found;
    EXPECT_LE(f.ranges.size(), 4u);
  }
  EXPECT_GT(found, 0);
}

}  // namespace
