#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "mm/heap.h"
#include "recovery/catch_unwind.h"

namespace {

struct HeapTest : ::testing::Test {
  alignas(16) unsigned char arena[64 * 1024];
  mm::Heap heap{"test", arena, sizeof arena};
};

TEST_F(HeapTest, AllocatesAlignedDisjointBlocksAndAccounts) {
  void* a = heap.allocate(10);
  void* b = heap.allocate(100);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 16, 0u);
  std::memset(a, 0xaa, 10);
  std::memset(b, 0xbb, 100);
  EXPECT_EQ(heap.stats().blocks_in_use, 2u);
  heap.free(a);
  heap.free(b);
  EXPECT_EQ(heap.stats().blocks_in_use, 0u);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
}

TEST_F(HeapTest, ExhaustionIsNullAndFreeingRestoresEverything) {
  std::vector<void*> blocks;
  while (void* p = heap.allocate(1000)) blocks.push_back(p);
  EXPECT_GT(blocks.size(), 50u);
  EXPECT_EQ(heap.allocate(1000), nullptr);
  EXPECT_GE(heap.stats().failed_allocations, 1u);
  for (void* p : blocks) heap.free(p);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
  // Coalescing: the whole arena is one block again.
  EXPECT_NE(heap.allocate(sizeof arena - 64), nullptr);
}

TEST_F(HeapTest, RandomWorkloadKeepsContentsAndCounters) {
  std::mt19937 rng(7);
  std::vector<std::pair<unsigned char*, size_t>> live;
  for (int i = 0; i < 20000; ++i) {
    if (live.empty() || rng() % 3 != 0) {
      size_t n = 1 + rng() % 700;
      auto* p = static_cast<unsigned char*>(heap.allocate(n));
      if (p == nullptr) continue;
      std::memset(p, static_cast<int>(n & 0xff), n);
      live.emplace_back(p, n);
    } else {
      size_t k = rng() % live.size();
      auto [p, n] = live[k];
      for (size_t j = 0; j < n; ++j) ASSERT_EQ(p[j], static_cast<unsigned char>(n & 0xff));
      heap.free(p);
      live.erase(live.begin() + static_cast<long>(k));
    }
  }
  EXPECT_EQ(heap.stats().blocks_in_use, live.size());
  for (auto [p, n] : live) heap.free(p);
  EXPECT_EQ(heap.stats().bytes_in_use, 0u);
}

TEST_F(HeapTest, DoubleFreeForeignPointerAndCorruptHeaderRaiseFaults) {
  void* a = heap.allocate(32);
  heap.free(a);
  auto r = recovery::catch_unwind([&] { heap.free(a); });
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(std::string(r.error().message).find("double free"), std::string::npos);

  int outside;
  r = recovery::catch_unwind([&] { heap.free(&outside); });
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(std::string(r.error().message).find("does not own"), std::string::npos);

  auto* b = static_cast<unsigned char*>(heap.allocate(32));
  std::memset(b - 32, 0x41, 8);  // a stray write over the block header (its size)
  r = recovery::catch_unwind([&] { heap.free(b); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, recovery::FaultKind::panic);
  EXPECT_NE(std::string(r.error().message).find("corrupted"), std::string::npos);
}

}  // namespace
