// The block cache on its own, over a RAM disk and a disk that fails.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ext2_support.h"
#include "servers/fs/ext2/block_cache.h"
#include "servers/fs/ext2/open_inodes.h"
#include "servers/fs/ram_disk.h"

namespace {

using tas::fs::RamDisk;
using tas::fs::ext2::BlockCache;
using tas::fs::ext2::BlockRef;
using tas::fs::ext2::OpenInodes;

constexpr uint32_t kBlock = 1024;

std::vector<uint8_t> numbered_blocks(uint32_t count) {
  std::vector<uint8_t> bytes(size_t{count} * kBlock);
  for (uint32_t b = 0; b < count; ++b) std::memset(&bytes[size_t{b} * kBlock], b & 0xFF, kBlock);
  return bytes;
}

TEST(Ext2BlockCache, ReadsOnceAndWritesBackOnlyWhenAsked) {
  std::vector<uint8_t> bytes = numbered_blocks(64);
  RamDisk disk(bytes);
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  {
    ASSERT_OK_VALUE(b5, cache.get(5));
    EXPECT_EQ(b5.number(), 5u);
    EXPECT_EQ(b5.data()[0], 5);
    EXPECT_EQ(b5.data()[kBlock - 1], 5);
    b5.data()[0] = 0xAA;
    b5.mark_dirty();
  }
  ASSERT_OK_VALUE(again, cache.get(5));
  EXPECT_EQ(again.data()[0], 0xAA);
  EXPECT_EQ(cache.stats().reads, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(bytes[5 * kBlock], 5);  // not written yet
  EXPECT_EQ(cache.dirty_count(), 1u);
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(bytes[5 * kBlock], 0xAA);
  EXPECT_EQ(cache.dirty_count(), 0u);
  EXPECT_EQ(cache.stats().writes, 1u);
  // A zeroed block is not read.
  ASSERT_OK_VALUE(z, cache.get_zeroed(9));
  EXPECT_EQ(z.data()[100], 0);
  EXPECT_EQ(cache.stats().reads, 1u);
}

TEST(Ext2BlockCache, EvictsTheLeastRecentlyUsedAndWritesItFirst) {
  std::vector<uint8_t> bytes = numbered_blocks(64);
  RamDisk disk(bytes);
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  for (uint32_t b = 0; b < 16; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    ref.data()[1] = static_cast<uint8_t>(100 + b);
    ref.mark_dirty();
  }
  ASSERT_OK(cache.get(0));  // block 0 is now the most recent: 1 goes first
  ASSERT_OK(cache.get(40));
  EXPECT_EQ(bytes[1 * kBlock + 1], 101);  // written when replaced
  EXPECT_EQ(bytes[0 * kBlock + 1], 0);    // still only cached
  EXPECT_EQ(cache.stats().writes, 1u);
  ASSERT_OK_VALUE(one, cache.get(1));  // read back as written
  EXPECT_EQ(one.data()[1], 101);
}

TEST(Ext2BlockCache, ReplacesCleanBlocksBeforeDirtyOnes) {
  std::vector<uint8_t> bytes = numbered_blocks(64);
  RamDisk disk(bytes);
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  // Eight dirty blocks used first (least recently), eight clean ones after.
  for (uint32_t b = 0; b < 8; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    ref.data()[1] = static_cast<uint8_t>(100 + b);
    ref.mark_dirty();
  }
  for (uint32_t b = 8; b < 16; ++b) ASSERT_OK(cache.get(b));
  // Eight more blocks, changed, take the clean buffers: nothing is written.
  for (uint32_t b = 20; b < 28; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    ref.mark_dirty();
  }
  EXPECT_EQ(cache.stats().writes, 0u);
  EXPECT_EQ(cache.stats().early_writes, 0u);
  EXPECT_EQ(cache.dirty_count(), 16u);
  EXPECT_EQ(bytes[0 * kBlock + 1], 0);
  // Dirty ones only now, oldest first -- and counted as written early.
  ASSERT_OK(cache.get(40));
  EXPECT_EQ(cache.stats().writes, 1u);
  EXPECT_EQ(cache.stats().early_writes, 1u);
  EXPECT_EQ(bytes[0 * kBlock + 1], 100);
  EXPECT_EQ(bytes[1 * kBlock + 1], 1);  // as it was
  // A write-back is not early.
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(cache.stats().writes, 16u);
  EXPECT_EQ(cache.stats().early_writes, 1u);
  EXPECT_EQ(bytes[7 * kBlock + 1], 107);
}

TEST(Ext2BlockCache, PinnedBlocksStay) {
  std::vector<uint8_t> bytes = numbered_blocks(64);
  RamDisk disk(bytes);
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  std::vector<BlockRef> held;
  for (uint32_t b = 0; b < 16; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    held.push_back(std::move(ref));
  }
  EXPECT_ERROR(cache.get(20), Error::limit_reached);
  for (uint32_t b = 0; b < 16; ++b) EXPECT_EQ(held[b].data()[0], b);
  held.pop_back();
  ASSERT_OK_VALUE(ref, cache.get(20));
  EXPECT_EQ(ref.data()[0], 20);
  BlockRef moved = std::move(held[0]);
  EXPECT_EQ(moved.number(), 0u);
}

TEST(Ext2BlockCache, FailedWritesKeepBlocksDirty) {
  ext2_test::MemoryDisk disk(numbered_blocks(64));
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  {
    ASSERT_OK_VALUE(ref, cache.get(3));
    ref.data()[0] = 0x33;
    ref.mark_dirty();
  }
  disk.fail_writes_after(0);
  EXPECT_ERROR(cache.write_back(), Error::io_error);
  EXPECT_EQ(cache.dirty_count(), 1u);
  disk.fail_writes_after(-1);
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(disk.bytes()[3 * kBlock], 0x33);
  disk.fail_reads_of(7 * 2);  // 512-byte device blocks
  EXPECT_ERROR(cache.get(7), Error::io_error);
  disk.fail_reads_of(~uint64_t{0});
  ASSERT_OK_VALUE(seven, cache.get(7));
  EXPECT_EQ(seven.data()[0], 7);
}

TEST(Ext2OpenInodes, CountsOpenings) {
  OpenInodes open;
  for (uint32_t i = 1; i <= 40; ++i) ASSERT_OK(open.add(i));
  ASSERT_OK(open.add(7));
  EXPECT_TRUE(open.contains(7));
  ASSERT_OK_VALUE(last, open.remove(7));
  EXPECT_FALSE(last);
  ASSERT_OK_VALUE(last2, open.remove(7));
  EXPECT_TRUE(last2);
  EXPECT_FALSE(open.contains(7));
  EXPECT_ERROR(open.remove(7), Error::not_found);
  EXPECT_EQ(open.size(), 39u);
}

}  // namespace
