// The ELF checks on real user programs (built for both architectures by the
// cross compilers) and on every kind of damage.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "core/elf.h"
#include "mm/page_table.h"

namespace {

constexpr uintptr_t kBase = 0x10000, kTop = uintptr_t{1} << 47;
constexpr uint64_t kMax = 64 << 20;

std::vector<uint8_t> load(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Sample {
  const char* path;
  uint16_t machine;
};
const Sample kSamples[] = {{SAMPLE_ELF_AARCH64, core::kElfMachineAarch64},
                           {SAMPLE_ELF_X86_64, core::kElfMachineX86_64}};

Result<core::ElfPlan> parse(const std::vector<uint8_t>& v, uint16_t machine) {
  // A fresh allocation of exactly the image's size, so ASan sees overreads.
  std::vector<uint8_t> exact(v.begin(), v.end());
  return core::parse_elf(exact.data(), exact.size(), machine, kBase, kTop, kMax);
}

TEST(Elf, RealProgramsGiveAPlan) {
  for (const Sample& s : kSamples) {
    auto image = load(s.path);
    ASSERT_GT(image.size(), 64u) << s.path;
    auto plan = parse(image, s.machine);
    ASSERT_TRUE(plan.has_value()) << s.path;
    EXPECT_EQ(plan->entry, 0x400000u);
    ASSERT_GE(plan->count, 2u);
    EXPECT_EQ(plan->segments[0].vaddr, 0x400000u);
    EXPECT_EQ(plan->segments[0].perms, mm::perm::read | mm::perm::execute);
    for (unsigned i = 0; i < plan->count; ++i)
      EXPECT_LE(plan->segments[i].file_size, plan->segments[i].mem_size);
    // The other architecture's machine is refused.
    EXPECT_EQ(parse(image, s.machine == core::kElfMachineX86_64 ? core::kElfMachineAarch64
                                                                : core::kElfMachineX86_64)
                  .error(),
              Error::bad_image);
  }
}

// Patches a field of the first program header (or the file header).
std::vector<uint8_t> patched(std::vector<uint8_t> v, size_t offset, const void* bytes, size_t n) {
  std::memcpy(v.data() + offset, bytes, n);
  return v;
}

TEST(Elf, EveryKindOfDamageIsRefused) {
  for (const Sample& s : kSamples) {
    const auto image = load(s.path);
    uint64_t phoff;
    std::memcpy(&phoff, image.data() + 32, 8);
    const uint64_t huge = ~uint64_t{0} - 100, kernel = 0xffff800000000000, zero = 0;
    const uint32_t wx = 7;  // PF_R | PF_W | PF_X
    const uint16_t dyn = 3, badsize = 57;
    const std::vector<std::vector<uint8_t>> cases = {
        patched(image, 0, "\x7e", 1),            // magic
        patched(image, 4, "\x01", 1),            // 32-bit class
        patched(image, 5, "\x02", 1),            // big-endian
        patched(image, 16, &dyn, 2),             // position-independent (ET_DYN)
        patched(image, 54, &badsize, 2),         // program-header size
        patched(image, 32, &huge, 8),            // program headers outside the file
        patched(image, 24, &kernel, 8),          // entry outside any segment
        patched(image, phoff + 4, &wx, 4),       // writable and executable
        patched(image, phoff + 8, &huge, 8),     // segment data outside the file
        patched(image, phoff + 16, &kernel, 8),  // segment in the kernel half
        patched(image, phoff + 16, &zero, 8),    // segment at address 0
        patched(image, phoff + 40, &huge, 8),    // memsz overflowing the address space
        patched(image, phoff + 32, &huge, 8),    // filesz > memsz
    };
    for (size_t i = 0; i < cases.size(); ++i)
      EXPECT_EQ(parse(cases[i], s.machine).error(), Error::bad_image) << s.path << " case " << i;
    // Every truncation.
    for (size_t n = 0; n < image.size(); n += 7) {
      std::vector<uint8_t> cut(image.begin(), image.begin() + static_cast<long>(n));
      auto r = parse(cut, s.machine);
      if (r) {
        for (unsigned k = 0; k < r->count; ++k)
          EXPECT_LE(r->segments[k].file_offset + r->segments[k].file_size, n);
      }
    }
  }
}

TEST(Elf, RandomCorruptionNeverReadsOutside) {
  for (const Sample& s : kSamples) {
    const auto image = load(s.path);
    std::mt19937 rng(17);
    for (int round = 0; round < 3000; ++round) {
      auto v = image;
      // Damage the headers, where the parser looks.
      const size_t span = std::min<size_t>(v.size(), 512);
      for (int k = 0; k < 4; ++k) v[rng() % span] = static_cast<uint8_t>(rng());
      auto r = parse(v, s.machine);
      if (r) {
        for (unsigned k = 0; k < r->count; ++k) {
          EXPECT_LE(r->segments[k].file_offset + r->segments[k].file_size, v.size());
          EXPECT_GE(r->segments[k].vaddr, kBase);
          EXPECT_LE(r->segments[k].vaddr + r->segments[k].mem_size, kTop);
        }
      }
    }
  }
}

}  // namespace
