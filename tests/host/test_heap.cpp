#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mm/heap.h"
#include "recovery/catch_unwind.h"

namespace host {
extern bool g_in_interrupt;
}

namespace {

// The heap's slot is host memory reserved up front; growth only has to be
// counted (and can be made to fail).
class HostBacking final : public mm::Heap::Backing {
 public:
  Result<void> grow(uintptr_t, size_t bytes) override {
    if (fail_next) return fail(Error::no_memory);
    mapped += bytes;
    ++grows;
    return {};
  }
  void shrink(uintptr_t, size_t bytes) override { mapped -= bytes; }
  size_t mapped = 0, grows = 0;
  bool fail_next = false;
};

struct HeapTest : ::testing::Test {
  static constexpr size_t kLimit = 4 << 20;
  void* slot = mmap(nullptr, kLimit, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  HostBacking backing;
  std::unique_ptr<mm::Heap> heap =
      std::make_unique<mm::Heap>("test", reinterpret_cast<uintptr_t>(slot), kLimit, backing);
  ~HeapTest() override {
    heap.reset();
    munmap(slot, kLimit);
  }
};

TEST_F(HeapTest, AllocatesAlignedDisjointBlocksAndAccounts) {
  void* a = heap->allocate(10);
  void* b = heap->allocate(100);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(heap->contains(a));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 16, 0u);
  std::memset(a, 0xaa, 10);
  std::memset(b, 0xbb, 100);
  EXPECT_EQ(heap->stats().blocks_in_use, 2u);
  EXPECT_EQ(heap->stats().mapped, mm::Heap::kChunk);
  heap->free(a);
  heap->free(b);
  EXPECT_EQ(heap->stats().blocks_in_use, 0u);
  EXPECT_EQ(heap->stats().bytes_in_use, 0u);
  EXPECT_TRUE(heap->check_integrity());
}

TEST_F(HeapTest, GrowsToItsLimitThenFailsThenGivesMemoryBack) {
  std::vector<void*> blocks;
  while (void* p = heap->allocate(1000)) blocks.push_back(p);
  EXPECT_EQ(heap->stats().mapped, kLimit);
  EXPECT_EQ(backing.mapped, kLimit);
  EXPECT_GT(blocks.size(), 4000u);
  EXPECT_EQ(heap->allocate(1000), nullptr);
  EXPECT_GE(heap->stats().failed_allocations, 1u);
  EXPECT_EQ(heap->allocate(kLimit + 1), nullptr);
  for (void* p : blocks) heap->free(p);
  EXPECT_EQ(heap->stats().bytes_in_use, 0u);
  // All but one chunk is unmapped again.
  EXPECT_EQ(heap->stats().mapped, mm::Heap::kChunk);
  EXPECT_EQ(backing.mapped, mm::Heap::kChunk);
  EXPECT_TRUE(heap->check_integrity());
  // One block of (almost) the whole limit still fits.
  void* big = heap->allocate(kLimit - 64);
  EXPECT_NE(big, nullptr);
  heap->free(big);
}

TEST_F(HeapTest, BackingFailureIsACleanNull) {
  backing.fail_next = true;
  EXPECT_EQ(heap->allocate(100), nullptr);
  EXPECT_EQ(heap->stats().mapped, 0u);
  backing.fail_next = false;
  EXPECT_NE(heap->allocate(100), nullptr);
}

TEST_F(HeapTest, RandomWorkloadKeepsContentsCountersAndIntegrity) {
  std::mt19937 rng(7);
  std::vector<std::pair<unsigned char*, size_t>> live;
  for (int i = 0; i < 20000; ++i) {
    if (live.empty() || rng() % 3 != 0) {
      size_t n = 1 + rng() % (rng() % 10 == 0 ? 70000 : 700);
      auto* p = static_cast<unsigned char*>(heap->allocate(n));
      if (p == nullptr) continue;
      std::memset(p, static_cast<int>(n & 0xff), n);
      live.emplace_back(p, n);
    } else {
      size_t k = rng() % live.size();
      auto [p, n] = live[k];
      for (size_t j = 0; j < n; ++j) ASSERT_EQ(p[j], static_cast<unsigned char>(n & 0xff));
      heap->free(p);
      live.erase(live.begin() + static_cast<long>(k));
    }
    if (i % 1000 == 0) {
      ASSERT_TRUE(heap->check_integrity());
    }
  }
  EXPECT_EQ(heap->stats().blocks_in_use, live.size());
  for (auto [p, n] : live) heap->free(p);
  EXPECT_EQ(heap->stats().bytes_in_use, 0u);
  EXPECT_TRUE(heap->check_integrity());
}

std::string fault_message(auto f) {
  auto r = recovery::catch_unwind(f);
  return r.has_value() ? "no fault" : r.error().message;
}

TEST_F(HeapTest, DoubleFreeAndForeignPointerRaiseFaults) {
  void* a = heap->allocate(32);
  void* keep = heap->allocate(32);  // so that a's block is not merged away
  heap->free(a);
  EXPECT_NE(fault_message([&] { heap->free(a); }).find("double free"), std::string::npos);
  int outside;
  EXPECT_NE(fault_message([&] { heap->free(&outside); }).find("not this heap's"),
            std::string::npos);
  // A foreign pointer is not corruption: the heap stays usable.
  EXPECT_FALSE(heap->stats().poisoned);
  heap->free(keep);
}

TEST_F(HeapTest, CorruptHeaderPoisonsTheHeap) {
  auto* b = static_cast<unsigned char*>(heap->allocate(32));
  std::memset(b - 32, 0x41, 8);  // a stray write over the block header (its size)
  EXPECT_FALSE(heap->check_integrity());
  auto r = recovery::catch_unwind([&] { heap->free(b); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, recovery::FaultKind::panic);
  EXPECT_NE(std::string(r.error().message).find("corrupted"), std::string::npos);
  EXPECT_TRUE(heap->stats().poisoned);
  // Every later use fails fast instead of trusting corrupt state.
  EXPECT_NE(fault_message([&] { heap->allocate(8); }).find("corrupt"), std::string::npos);
}

TEST_F(HeapTest, CorruptFreeBlockIsFoundByTheNextAllocation) {
  void* a = heap->allocate(64);
  void* b = heap->allocate(64);
  heap->free(a);  // a's block is free now, b keeps it from merging with the tail
  std::memset(static_cast<unsigned char*>(a) - 24, 0x5a, 4);  // its magic
  EXPECT_NE(fault_message([&] { heap->allocate(16); }).find("corrupted"), std::string::npos);
  (void)b;
}

TEST_F(HeapTest, UseFromInterruptContextIsRefused) {
  host::g_in_interrupt = true;
  auto r = recovery::catch_unwind([&] { return heap->allocate(8); });
  host::g_in_interrupt = false;
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, recovery::FaultKind::assertion);
  EXPECT_EQ(heap->stats().blocks_in_use, 0u);
}

}  // namespace
