#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "boot/multiboot.h"

namespace {

struct Entry {
  uint32_t size;
  uint64_t base, length;
  uint32_t type;
} __attribute__((packed));

// The test's "physical memory" is its own address space.
const void* identity(uint64_t phys) { return reinterpret_cast<const void*>(phys); }

struct Fixture {
  std::vector<Entry> entries;
  boot::MultibootInfo info{};
  char cmdline[40] = "/boot/rebound.bin  halt log=debug";
  Fixture() {
    entries = {{20, 0x0, 0x9fc00, 1},
               {20, 0x9fc00, 0x400, 2},
               {20, 0x100000, 0x1ff00000, 1},
               {20, 0xfffc0000, 0x40000, 2}};
    info.flags = (1u << 6) | (1u << 2);
    info.mmap_addr = 0;  // set per test (host pointers are 64-bit)
    info.mmap_length = static_cast<uint32_t>(entries.size() * sizeof(Entry));
  }
};

const void* g_mmap;
const void* g_cmdline;
const void* fake_phys(uint64_t phys) {
  return phys == 1 ? g_mmap : phys == 2 ? g_cmdline : nullptr;
}

TEST(Multiboot, ParsesMemoryMapAndCommandLine) {
  Fixture f;
  g_mmap = f.entries.data();
  g_cmdline = f.cmdline;
  f.info.mmap_addr = 1;
  f.info.cmdline = 2;
  boot::MemoryMap map;
  const char* cmdline = nullptr;
  boot::MultibootError err{};
  ASSERT_TRUE(
      boot::multiboot_parse(boot::kMultibootBootloaderMagic, f.info, fake_phys, map, cmdline, err));
  EXPECT_STREQ(cmdline, "halt log=debug");
  ASSERT_EQ(map.size(), 4u);
  EXPECT_EQ(map[2].base, 0x100000u);
  EXPECT_EQ(map[2].kind, boot::RegionKind::usable);
  EXPECT_EQ(map[3].kind, boot::RegionKind::reserved);
  EXPECT_EQ(map.total(boot::RegionKind::usable), 0x9fc00u + 0x1ff00000u);
}

TEST(Multiboot, RejectsWrongMagicMissingOrMalformedMap) {
  Fixture f;
  g_mmap = f.entries.data();
  f.info.mmap_addr = 1;
  f.info.flags &= ~(1u << 2);
  boot::MemoryMap map;
  const char* cmdline = nullptr;
  boot::MultibootError err{};
  EXPECT_FALSE(boot::multiboot_parse(0x1234, f.info, fake_phys, map, cmdline, err));
  EXPECT_EQ(err, boot::MultibootError::bad_magic);

  auto no_map = f.info;
  no_map.flags = 0;
  EXPECT_FALSE(
      boot::multiboot_parse(boot::kMultibootBootloaderMagic, no_map, fake_phys, map, cmdline, err));
  EXPECT_EQ(err, boot::MultibootError::no_memory_map);
  EXPECT_STREQ(cmdline, "");

  f.entries[1].size = 3;  // an entry too short to hold base/length/type
  EXPECT_FALSE(
      boot::multiboot_parse(boot::kMultibootBootloaderMagic, f.info, fake_phys, map, cmdline, err));
  EXPECT_EQ(err, boot::MultibootError::bad_memory_map);

  Fixture g;
  g_mmap = g.entries.data();
  g.info.mmap_addr = 1;
  g.info.mmap_length = sizeof(Entry) + 7;  // a torn last entry
  boot::MemoryMap map2;
  EXPECT_FALSE(boot::multiboot_parse(boot::kMultibootBootloaderMagic, g.info, fake_phys, map2,
                                     cmdline, err));
  EXPECT_EQ(err, boot::MultibootError::bad_memory_map);
  (void)identity;
}

}  // namespace
