#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "mm/frame_allocator.h"
#include "recovery/catch_unwind.h"

namespace {

using mm::FrameAllocator;
using mm::kPageSize;
using mm::PhysAddr;

// "RAM" like QEMU's: a hole, an odd-sized region, a region not 4 MiB aligned.
struct FrameAllocatorTest : ::testing::Test {
  static constexpr PhysAddr kStart = 0x40000000, kEnd = 0x40000000 + (24 << 20);
  std::vector<unsigned char> metadata;
  FrameAllocator fa;
  FrameAllocatorTest() : metadata(FrameAllocator::metadata_size(kStart, kEnd)) {
    fa.init(kStart, kEnd, metadata.data());
    fa.add_free(kStart + 0x3000, (7 << 20) - 0x3000);   // 0x40003000 .. 0x40700000
    fa.add_free(kStart + (8 << 20) + 0x123, 16 << 20);  // rounded inward to whole frames
  }
  uint64_t expected_total() const {
    return ((7 << 20) - 0x3000) / kPageSize + (16 << 20) / kPageSize - 1;
  }
};

TEST_F(FrameAllocatorTest, CountsOnlyWholeUsableFrames) {
  EXPECT_EQ(fa.stats().total_frames, expected_total());
  EXPECT_EQ(fa.stats().free_frames, expected_total());
  EXPECT_FALSE(fa.manages(kStart - kPageSize));
  EXPECT_TRUE(fa.manages(kStart));
}

TEST_F(FrameAllocatorTest, RunsAreAlignedInsideFreeRamAndDisjoint) {
  std::set<PhysAddr> seen;
  for (unsigned order = 0; order <= FrameAllocator::kMaxOrder; ++order) {
    auto r = fa.allocate(order);
    ASSERT_TRUE(r.has_value()) << "order " << order;
    const PhysAddr p = *r;
    EXPECT_EQ(p % (kPageSize << order), 0u);
    for (PhysAddr q = p; q < p + (kPageSize << order); q += kPageSize) {
      EXPECT_TRUE(seen.insert(q).second);
      const bool in_first = q >= kStart + 0x3000 && q < kStart + (7 << 20);
      const bool in_second = q >= kStart + (8 << 20) + kPageSize && q < kStart + (24 << 20);
      EXPECT_TRUE(in_first || in_second) << std::hex << q;
    }
  }
  EXPECT_FALSE(fa.allocate(FrameAllocator::kMaxOrder + 1).has_value());
}

TEST_F(FrameAllocatorTest, ExhaustionIsAnErrorAndFreeingRestoresEverything) {
  const auto before = fa.stats();
  uint64_t runs_before[FrameAllocator::kMaxOrder + 1];
  for (unsigned o = 0; o <= FrameAllocator::kMaxOrder; ++o) runs_before[o] = fa.free_runs(o);
  std::vector<PhysAddr> got;
  for (;;) {
    auto r = fa.allocate(0);
    if (!r) {
      EXPECT_EQ(r.error(), Error::no_memory);
      break;
    }
    got.push_back(*r);
  }
  EXPECT_EQ(got.size(), before.total_frames);
  EXPECT_EQ(fa.stats().free_frames, 0u);
  EXPECT_EQ(fa.stats().failed_allocations, before.failed_allocations + 1);
  std::shuffle(got.begin(), got.end(), std::mt19937(3));
  for (PhysAddr p : got) fa.free(p, 0);
  EXPECT_EQ(fa.stats().free_frames, before.free_frames);
  EXPECT_EQ(fa.stats().used_frames, 0u);
  // Coalescing rebuilt exactly the runs of the start (three of 4 MiB).
  for (unsigned o = 0; o <= FrameAllocator::kMaxOrder; ++o)
    EXPECT_EQ(fa.free_runs(o), runs_before[o]) << "order " << o;
  EXPECT_EQ(fa.free_runs(FrameAllocator::kMaxOrder), 3u);
}

TEST_F(FrameAllocatorTest, RandomWorkloadMatchesAModel) {
  std::mt19937 rng(11);
  std::map<PhysAddr, unsigned> live;
  uint64_t used = 0;
  for (int i = 0; i < 20000; ++i) {
    if (live.empty() || rng() % 2 == 0) {
      const unsigned order = rng() % 4 == 0 ? rng() % 8 : 0;
      auto r = fa.allocate(order);
      if (!r) continue;
      // No overlap with any live run.
      auto next = live.lower_bound(*r);
      if (next != live.end()) {
        ASSERT_GE(next->first, *r + (kPageSize << order));
      }
      if (next != live.begin()) {
        auto prev = std::prev(next);
        ASSERT_LE(prev->first + (kPageSize << prev->second), *r);
      }
      live[*r] = order;
      used += uint64_t{1} << order;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      fa.free(it->first, it->second);
      used -= uint64_t{1} << it->second;
      live.erase(it);
    }
    ASSERT_EQ(fa.stats().used_frames, used);
  }
  for (auto [p, o] : live) fa.free(p, o);
  EXPECT_EQ(fa.stats().used_frames, 0u);
}

TEST_F(FrameAllocatorTest, BadFreesRaiseFaultsAndChangeNothing) {
  const PhysAddr a = *fa.allocate(2);
  auto expect_fault = [&](PhysAddr p, unsigned order, const char* what) {
    const auto before = fa.stats();
    auto r = recovery::catch_unwind([&] { fa.free(p, order); });
    ASSERT_FALSE(r.has_value()) << what;
    EXPECT_NE(std::string(r.error().message).find(what), std::string::npos) << r.error().message;
    EXPECT_EQ(fa.stats().free_frames, before.free_frames);
  };
  expect_fault(a, 1, "with order 1");
  expect_fault(a + kPageSize, 0, "not the start");
  expect_fault(a + 1, 2, "not a managed frame");
  expect_fault(0x1000, 0, "not a managed frame");
  fa.free(a, 2);
  expect_fault(a, 2, "double free");
}

TEST_F(FrameAllocatorTest, FrameRunOwnerFreesOnDropAndMove) {
  const auto before = fa.stats().used_frames;
  {
    auto run = mm::allocate_frames(fa, 3);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(fa.stats().used_frames, before + 8);
    mm::FrameRun moved = std::move(*run);
    EXPECT_FALSE(static_cast<bool>(*run));
    EXPECT_EQ(moved.size(), 8 * kPageSize);
  }
  EXPECT_EQ(fa.stats().used_frames, before);
  auto r = recovery::catch_unwind([&] {
    auto run = mm::allocate_frames(fa, 0);
    throw 1;  // unwinding drops the owner
  });
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(fa.stats().used_frames, before);
}

}  // namespace
