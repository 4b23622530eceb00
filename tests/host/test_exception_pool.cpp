#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "recovery/exception_pool.h"

namespace {

using recovery::ExceptionPool;

TEST(ExceptionPool, ObjectsAreZeroHeaderedAlignedAndDistinct) {
  auto pool = std::make_unique<ExceptionPool>();
  std::vector<void*> objects;
  for (size_t i = 0; i < ExceptionPool::kSlots; ++i) {
    void* p = pool->allocate_object(100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
    auto* header = static_cast<unsigned char*>(p) - ExceptionPool::kHeaderReserve;
    for (size_t j = 0; j < ExceptionPool::kHeaderReserve; ++j) ASSERT_EQ(header[j], 0);
    std::memset(p, 0xee, ExceptionPool::kMaxObject);
    objects.push_back(p);
  }
  EXPECT_EQ(std::set<void*>(objects.begin(), objects.end()).size(), objects.size());
  EXPECT_EQ(pool->in_use(), ExceptionPool::kSlots);
  EXPECT_EQ(pool->allocate_object(8), nullptr);  // full
  EXPECT_EQ(pool->allocate_dependent(), nullptr);
  for (void* p : objects) pool->free_object(p);
  EXPECT_EQ(pool->in_use(), 0u);
  EXPECT_EQ(pool->high_water(), ExceptionPool::kSlots);
}

TEST(ExceptionPool, TooLargeObjectIsRefused) {
  auto pool = std::make_unique<ExceptionPool>();
  EXPECT_EQ(pool->allocate_object(ExceptionPool::kMaxObject + 1), nullptr);
  EXPECT_NE(pool->allocate_object(ExceptionPool::kMaxObject), nullptr);
}

TEST(ExceptionPool, ReusedSlotIsZeroedAgain) {
  auto pool = std::make_unique<ExceptionPool>();
  void* d = pool->allocate_dependent();
  std::memset(d, 0x55, ExceptionPool::kSlotSize);
  pool->free_dependent(d);
  auto* again = static_cast<unsigned char*>(pool->allocate_dependent());
  ASSERT_EQ(again, d);
  for (size_t j = 0; j < ExceptionPool::kSlotSize; ++j) ASSERT_EQ(again[j], 0);
}

}  // namespace
