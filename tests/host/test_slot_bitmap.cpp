#include <gtest/gtest.h>

#include <set>

#include "lib/slot_bitmap.h"
#include "mm/kernel_stack.h"

namespace {

using Bitmap = lib::SlotBitmap<128>;

TEST(SlotBitmap, ClaimsEverySlotOnceThenRunsOut) {
  Bitmap b;
  std::set<size_t> seen;
  for (size_t i = 0; i < Bitmap::kSlots; ++i) {
    auto s = b.claim();
    ASSERT_TRUE(s.has_value());
    EXPECT_LT(*s, Bitmap::kSlots);
    EXPECT_TRUE(seen.insert(*s).second);
    EXPECT_TRUE(b.claimed(*s));
  }
  EXPECT_EQ(b.used(), Bitmap::kSlots);
  EXPECT_FALSE(b.claim().has_value());
  EXPECT_TRUE(b.release(77));
  EXPECT_EQ(b.claim(), std::optional<size_t>(77));
}

TEST(SlotBitmap, ReleasedSlotIsReusedLast) {
  Bitmap b;
  EXPECT_EQ(b.claim(), std::optional<size_t>(0));
  EXPECT_EQ(b.claim(), std::optional<size_t>(1));
  EXPECT_TRUE(b.release(0));
  // Next-fit: the slots after the last claim come first, across words...
  for (size_t i = 2; i < Bitmap::kSlots; ++i) EXPECT_EQ(b.claim(), std::optional<size_t>(i));
  // ...then the search wraps to the released one.
  EXPECT_EQ(b.claim(), std::optional<size_t>(0));
  EXPECT_FALSE(b.claim().has_value());
}

TEST(SlotBitmap, WrapsToFreeSlotsBelowTheLastClaimInTheSameWord) {
  Bitmap b;
  for (size_t i = 0; i < 70; ++i) b.claim();  // next search starts at 70
  EXPECT_TRUE(b.release(65));
  for (size_t i = 70; i < Bitmap::kSlots; ++i) b.claim();
  EXPECT_EQ(b.claim(), std::optional<size_t>(65));
}

TEST(SlotBitmap, ReleaseRefusesFreeAndOutOfRangeSlots) {
  Bitmap b;
  EXPECT_FALSE(b.release(3));
  EXPECT_FALSE(b.release(Bitmap::kSlots));
  auto s = b.claim();
  EXPECT_TRUE(b.release(*s));
  EXPECT_FALSE(b.release(*s));  // double release
  EXPECT_EQ(b.used(), 0u);
}

TEST(KernelStackLayout, GuardIsTheLowerPartOfEverySlot) {
  using namespace mm;
  const uintptr_t slot = kStacksBase + 5 * kKernelStackSlotSize;
  EXPECT_TRUE(is_stack_guard(slot));
  EXPECT_TRUE(is_stack_guard(slot + kKernelStackGuardSize - 1));
  EXPECT_FALSE(is_stack_guard(slot + kKernelStackGuardSize));
  EXPECT_FALSE(is_stack_guard(slot + kKernelStackSlotSize - 1));
  EXPECT_TRUE(is_kernel_stack(slot + kKernelStackSlotSize - 1));
  EXPECT_FALSE(is_kernel_stack(slot));
  EXPECT_FALSE(is_stack_guard(kStacksBase - 1));
  EXPECT_FALSE(is_stack_guard(kStacksBase + kStacksSize));
  EXPECT_FALSE(is_kernel_stack(kStacksBase + kStacksSize));
  EXPECT_FALSE(is_stack_guard(0));
}

// The aarch64 vectors' stack check (vectors.S): inside a stack, bits 14 and
// 15 are set; in a guard, at least one is clear.
TEST(KernelStackLayout, StackAddressesAndOnlyThemHaveBits14And15Set) {
  using namespace mm;
  const uintptr_t slot = kStacksBase + 9 * kKernelStackSlotSize;
  for (uintptr_t a = slot; a < slot + kKernelStackSlotSize; a += 16)
    EXPECT_EQ((a >> 14 & 3) == 3, is_kernel_stack(a)) << std::hex << a;
}

}  // namespace
