// Our .eh_frame_hdr lookup against the host's own unwinder, on this test
// binary's real tables.
#include <gtest/gtest.h>
#include <link.h>

#include <cstdint>

#include "recovery/eh_frame_hdr.h"

extern "C" const void* _Unwind_Find_FDE(void* pc, void* bases);

namespace {

struct Bases {
  void* tbase;
  void* dbase;
  void* func;
};

const uint8_t* own_eh_frame_hdr() {
  const uint8_t* found = nullptr;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        // The first object is the executable itself.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_GNU_EH_FRAME) {
            *static_cast<const uint8_t**>(out) =
                reinterpret_cast<const uint8_t*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
            return 1;
          }
        }
        return 1;
      },
      &found);
  return found;
}

[[gnu::noinline]] int sample_function(int x) { return x * 3 + 1; }

TEST(EhFrameHdr, AgreesWithTheHostUnwinder) {
  const uint8_t* hdr = own_eh_frame_hdr();
  ASSERT_NE(hdr, nullptr);
  const uintptr_t pcs[] = {reinterpret_cast<uintptr_t>(&sample_function) + 1,
                           reinterpret_cast<uintptr_t>(&own_eh_frame_hdr) + 4,
                           reinterpret_cast<uintptr_t>(&recovery::find_fde) + 8};
  for (uintptr_t pc : pcs) {
    Bases bases{};
    const void* expected = _Unwind_Find_FDE(reinterpret_cast<void*>(pc), &bases);
    recovery::FdeMatch m{};
    ASSERT_TRUE(recovery::find_fde(hdr, pc, m));
    EXPECT_EQ(static_cast<const void*>(m.fde), expected);
    EXPECT_EQ(m.function_start, reinterpret_cast<uintptr_t>(bases.func));
  }
  EXPECT_EQ(sample_function(1), 4);
}

TEST(EhFrameHdr, PcOutsideAnyFunctionIsNotFound) {
  const uint8_t* hdr = own_eh_frame_hdr();
  ASSERT_NE(hdr, nullptr);
  recovery::FdeMatch m{};
  EXPECT_FALSE(recovery::find_fde(hdr, 0x10, m));
  static int data = 0;
  EXPECT_FALSE(recovery::find_fde(hdr, reinterpret_cast<uintptr_t>(&data), m));
}

TEST(EhFrameHdr, RejectsUnknownVersionOrEncoding) {
  const uint8_t* hdr = own_eh_frame_hdr();
  ASSERT_NE(hdr, nullptr);
  uint8_t copy[4] = {hdr[0], hdr[1], hdr[2], hdr[3]};
  recovery::FdeMatch m{};
  copy[0] = 2;
  EXPECT_FALSE(recovery::find_fde(copy, reinterpret_cast<uintptr_t>(&sample_function), m));
  uint8_t omitted[4] = {1, 0xff, 0xff, 0xff};
  EXPECT_FALSE(recovery::find_fde(omitted, reinterpret_cast<uintptr_t>(&sample_function), m));
}

}  // namespace
