// The block cache on its own, over a RAM disk and a disk that fails.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <random>
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

// A MemoryDisk (with 1 KiB device blocks: the cache's block numbers) that
// records every transfer it is asked for, failed ones too.
struct Transfer {
  char kind;  // 'r', 'w' or 'f' (flush)
  uint64_t block;
  bool ok;
  bool operator==(const Transfer&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Transfer& t) {
  return out << t.kind << t.block << (t.ok ? "" : "!");
}

class RecordingDisk : public ext2_test::MemoryDisk {
 public:
  explicit RecordingDisk(std::vector<uint8_t> bytes) : MemoryDisk(std::move(bytes), kBlock) {}
  Result<void> read_blocks(uint64_t first, std::span<uint8_t> out) override {
    Result<void> r = MemoryDisk::read_blocks(first, out);
    log.push_back({'r', first, r.has_value()});
    return r;
  }
  Result<void> write_blocks(uint64_t first, std::span<const uint8_t> data) override {
    Result<void> r = MemoryDisk::write_blocks(first, data);
    log.push_back({'w', first, r.has_value()});
    return r;
  }
  Result<void> flush() override {
    Result<void> r = MemoryDisk::flush();
    log.push_back({'f', 0, r.has_value()});
    return r;
  }
  // The blocks written since the last call.
  std::vector<uint64_t> take_writes() {
    std::vector<uint64_t> blocks;
    for (const Transfer& t : log)
      if (t.kind == 'w') blocks.push_back(t.block);
    log.clear();
    return blocks;
  }
  std::vector<Transfer> log;
};

// `blocks` all hits (and nothing read): they are all in the cache.
void expect_cached(BlockCache& cache, const std::vector<uint32_t>& blocks) {
  const uint64_t reads = cache.stats().reads;
  for (uint32_t b : blocks) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    EXPECT_EQ(ref.data()[0], b & 0xFF);
  }
  EXPECT_EQ(cache.stats().reads, reads) << "a block expected in the cache was read";
}

TEST(Ext2BlockCache, ReplacesCleanBlocksInOrderOfLastUse) {
  RecordingDisk disk(numbered_blocks(64));
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  for (uint32_t b = 0; b < 16; ++b) ASSERT_OK(cache.get(b));
  for (uint32_t b : {3u, 9u, 0u, 12u}) ASSERT_OK(cache.get(b));
  // Least recent first: 1, 2, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 3, 9, 0, 12.
  ASSERT_OK(cache.get(40));
  ASSERT_OK(cache.get(41));
  expect_cached(cache, {4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 3, 9, 0, 12, 40, 41});
  // Held while all the others are used: the time of the get counts, not of
  // the release.
  {
    ASSERT_OK_VALUE(four, cache.get(4));
    EXPECT_EQ(four.number(), 4u);
    expect_cached(cache, {5, 6, 7, 8, 10, 11, 13, 14, 15, 3, 9, 0, 12, 40, 41});
  }
  ASSERT_OK(cache.get(42));
  expect_cached(cache, {5, 6, 7, 8, 10, 11, 13, 14, 15, 3, 9, 0, 12, 40, 41, 42});
  EXPECT_EQ(cache.stats().misses, 19u);
  EXPECT_EQ(cache.stats().writes, 0u);
  EXPECT_TRUE(disk.take_writes().empty());
}

TEST(Ext2BlockCache, ReplacesDirtyBlocksOnlyWhenEveryUnpinnedOneIsDirty) {
  RecordingDisk disk(numbered_blocks(64));
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  // Four held clean blocks, the least recently used; twelve dirty ones.
  std::vector<BlockRef> held;
  for (uint32_t b = 0; b < 4; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    held.push_back(std::move(ref));
  }
  for (uint32_t b = 4; b < 16; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    ref.data()[1] = static_cast<uint8_t>(100 + b);
    ref.mark_dirty();
  }
  // Every unpinned buffer is dirty: the least recently used one is written.
  // Pinned ones stay, however old.
  for (uint32_t b : {20u, 21u}) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    held.push_back(std::move(ref));
  }
  EXPECT_EQ(disk.take_writes(), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(cache.stats().early_writes, 2u);
  // Let go, block 0 (clean) goes before any dirty one; then 20 (clean,
  // though used after them).
  held.erase(held.begin());  // 0
  ASSERT_OK_VALUE(b22, cache.get(22));
  held.push_back(std::move(b22));
  held.erase(held.begin() + 3);  // 20
  ASSERT_OK_VALUE(b23, cache.get(23));
  held.push_back(std::move(b23));
  EXPECT_TRUE(disk.take_writes().empty());
  EXPECT_EQ(cache.stats().early_writes, 2u);
  // Dirty ones again.
  ASSERT_OK_VALUE(b24, cache.get(24));
  EXPECT_EQ(b24.number(), 24u);
  EXPECT_EQ(disk.take_writes(), std::vector<uint64_t>{6});
  EXPECT_EQ(cache.stats().early_writes, 3u);
  EXPECT_EQ(cache.dirty_count(), 9u);  // 7..15
  expect_cached(cache, {1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 21, 22, 23, 24});
  // The written blocks went to the device as they were.
  EXPECT_EQ(disk.bytes()[4 * kBlock + 1], 104);
  EXPECT_EQ(disk.bytes()[6 * kBlock + 1], 106);
  EXPECT_EQ(disk.bytes()[7 * kBlock + 1], 7);
}

TEST(Ext2BlockCache, WriteBackWritesEachDirtyBlockOnceInBlockOrderThenFlushes) {
  RecordingDisk disk(numbered_blocks(64));
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  // Clean and dirty blocks in turn, some changed twice.
  const uint32_t dirty[] = {9, 3, 14, 1, 7};
  for (uint32_t i = 0; i < 5; ++i) {
    ASSERT_OK(cache.get(20 + i));
    ASSERT_OK_VALUE(ref, cache.get(dirty[i]));
    ref.data()[1] = static_cast<uint8_t>(100 + dirty[i]);
    ref.mark_dirty();
    ref.mark_dirty();
  }
  ASSERT_OK(cache.get(2));
  ASSERT_OK_VALUE(again, cache.get(9));
  again.mark_dirty();
  ASSERT_OK_VALUE(zeroed, cache.get_zeroed(5));  // dirty, and held across
  EXPECT_EQ(cache.dirty_count(), 6u);
  disk.log.clear();
  ASSERT_OK(cache.write_back());
  const std::vector<Transfer> expected = {{'w', 1, true}, {'w', 3, true}, {'w', 5, true},
                                          {'w', 7, true}, {'w', 9, true}, {'w', 14, true},
                                          {'f', 0, true}};
  EXPECT_EQ(disk.log, expected);
  EXPECT_EQ(cache.dirty_count(), 0u);
  EXPECT_EQ(cache.stats().writes, 6u);
  EXPECT_EQ(cache.stats().early_writes, 0u);
  EXPECT_EQ(disk.bytes()[7 * kBlock + 1], 107);
  EXPECT_EQ(disk.bytes()[5 * kBlock], 0);
  // Nothing left to write: a flush only.
  disk.log.clear();
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(disk.log, (std::vector<Transfer>{{'f', 0, true}}));
  // Clean now, in their places in the order of last use: 20, 21, 3, 22,
  // 14, 23, 1, 24, 7, 2 (9 and 5 held). Four buffers are free, then three
  // are replaced, without a write.
  disk.log.clear();
  for (uint32_t b = 30; b < 37; ++b) ASSERT_OK(cache.get(b));
  expect_cached(cache, {22, 14, 23, 1, 24, 7, 2, 9, 30, 31, 32, 33, 34, 35, 36});
  EXPECT_TRUE(disk.take_writes().empty());
  // Held while written back, then changed again: written at the next one.
  zeroed.data()[2] = 0x55;
  zeroed.mark_dirty();
  EXPECT_EQ(cache.dirty_count(), 1u);
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(disk.take_writes(), std::vector<uint64_t>{5});
  EXPECT_EQ(disk.bytes()[5 * kBlock + 2], 0x55);
}

TEST(Ext2BlockCache, FailedEarlyWriteReplacesNothing) {
  RecordingDisk disk(numbered_blocks(64));
  BlockCache cache;
  ASSERT_OK(cache.init(disk, kBlock, 16));
  for (uint32_t b = 0; b < 16; ++b) {
    ASSERT_OK_VALUE(ref, cache.get(b));
    ref.data()[1] = static_cast<uint8_t>(100 + b);
    ref.mark_dirty();
  }
  disk.fail_writes_after(0);
  EXPECT_ERROR(cache.get(20), Error::io_error);
  EXPECT_EQ(cache.dirty_count(), 16u);
  EXPECT_EQ(cache.stats().early_writes, 0u);
  disk.fail_writes_after(-1);
  disk.log.clear();
  ASSERT_OK(cache.get(20));  // block 0, still the least recently used
  EXPECT_EQ(disk.take_writes(), std::vector<uint64_t>{0});
  EXPECT_EQ(cache.dirty_count(), 15u);
  // A write-back that fails half way: what was written is clean.
  disk.fail_writes_after(7);
  EXPECT_ERROR(cache.write_back(), Error::io_error);
  EXPECT_EQ(disk.take_writes(), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));  // 8 failed
  EXPECT_EQ(cache.dirty_count(), 8u);
  EXPECT_EQ(disk.bytes()[7 * kBlock + 1], 107);
  EXPECT_EQ(disk.bytes()[8 * kBlock + 1], 8);
  disk.fail_writes_after(-1);
  ASSERT_OK(cache.write_back());
  EXPECT_EQ(disk.take_writes(), (std::vector<uint64_t>{8, 9, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(cache.dirty_count(), 0u);
  EXPECT_EQ(disk.bytes()[15 * kBlock + 1], 115);
}

// The replacement rules as a scan over every buffer (as the cache once did
// it), to check the cache against: the transfers it asks of the device.
class ReferenceCache {
 public:
  explicit ReferenceCache(uint32_t capacity) : capacity_(capacity) {}

  // The transfers a get asks for, `read_fails` / `writes_fail` telling
  // which fail; false: an error (limit_reached or io_error).
  bool get(uint32_t block, bool zeroed, bool read_fails, bool writes_fail,
           std::vector<Transfer>& log) {
    auto it = entries_.find(block);
    if (it != entries_.end()) {
      ++hits;
      Entry& e = it->second;
      ++e.pins;
      e.last_use = ++clock_;
      if (zeroed) e.dirty = true;
      return true;
    }
    ++misses;
    if (entries_.size() == capacity_) {
      std::optional<uint32_t> clean, dirty;
      for (const auto& [b, e] : entries_) {
        if (e.pins != 0) continue;
        std::optional<uint32_t>& best = e.dirty ? dirty : clean;
        if (!best || e.last_use < entries_[*best].last_use) best = b;
      }
      const std::optional<uint32_t> victim = clean ? clean : dirty;
      if (!victim) return false;
      if (entries_[*victim].dirty) {
        log.push_back({'w', *victim, !writes_fail});
        if (writes_fail) return false;
        ++writes;
        ++early_writes;
      }
      entries_.erase(*victim);
    }
    if (!zeroed) {
      log.push_back({'r', block, !read_fails});
      if (read_fails) return false;
      ++reads;
    }
    entries_[block] = Entry{1, ++clock_, zeroed};
    return true;
  }
  void mark_dirty(uint32_t block) { entries_.at(block).dirty = true; }
  void release(uint32_t block) { --entries_.at(block).pins; }
  bool write_back(bool writes_fail, std::vector<Transfer>& log) {
    for (auto& [b, e] : entries_) {  // in block order
      if (!e.dirty) continue;
      log.push_back({'w', b, !writes_fail});
      if (writes_fail) return false;
      ++writes;
      e.dirty = false;
    }
    log.push_back({'f', 0, true});
    return true;
  }
  uint32_t dirty_count() const {
    uint32_t n = 0;
    for (const auto& [b, e] : entries_) n += e.dirty;
    return n;
  }

  uint64_t hits = 0, misses = 0, reads = 0, writes = 0, early_writes = 0;

 private:
  struct Entry {
    uint32_t pins = 0;
    uint64_t last_use = 0;
    bool dirty = false;
  };
  uint32_t capacity_;
  uint64_t clock_ = 0;
  std::map<uint32_t, Entry> entries_;
};

TEST(Ext2BlockCache, ReplacesAndWritesAsAScanOverEveryBufferWould) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    // Every third run with more buffers and fewer write-backs: more dirty
    // blocks to put in order.
    const bool large = seed % 3 == 0;
    const uint32_t capacity = large ? 64 : 16;
    const uint32_t kBlocks = capacity * 3;
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    RecordingDisk disk(numbered_blocks(kBlocks));
    BlockCache cache;
    ASSERT_OK(cache.init(disk, kBlock, capacity));
    ReferenceCache model(capacity);
    std::mt19937 random(seed);
    auto below = [&](uint32_t n) { return static_cast<uint32_t>(random() % n); };
    std::vector<BlockRef> held;
    // What a get of each block must show (its byte 0), device or cache.
    std::vector<uint8_t> contents(kBlocks);
    for (uint32_t b = 0; b < kBlocks; ++b) contents[b] = static_cast<uint8_t>(b);
    uint8_t stamp = 0;
    for (int op = 0; op < 4000; ++op) {
      std::vector<Transfer> expected;
      disk.log.clear();
      const uint32_t what = below(100);
      const bool writes_fail = below(50) == 0;
      disk.fail_writes_after(writes_fail ? 0 : -1);
      if (what < 55) {  // get or get_zeroed, held for a while or not
        const uint32_t block = below(kBlocks);
        const bool zeroed = below(8) == 0;
        const bool read_fails = below(40) == 0;
        disk.fail_reads_of(read_fails ? block : ~uint64_t{0});
        const bool ok = model.get(block, zeroed, read_fails, writes_fail, expected);
        Result<BlockRef> ref = zeroed ? cache.get_zeroed(block) : cache.get(block);
        disk.fail_reads_of(~uint64_t{0});
        ASSERT_EQ(ref.has_value(), ok) << "op " << op << " block " << block;
        if (ok) {
          if (zeroed) contents[block] = 0;
          ASSERT_EQ(ref->data()[0], contents[block]) << "op " << op << " block " << block;
          if (below(3) == 0) {
            ref->data()[0] = contents[block] = ++stamp;
            ref->mark_dirty();
            model.mark_dirty(block);
          }
          if (below(2) == 0 && held.size() < 8 + below(10)) {
            held.push_back(std::move(*ref));
          } else {
            model.release(block);
          }
        }
      } else if (what < 80) {  // let one go
        if (!held.empty()) {
          const uint32_t i = below(static_cast<uint32_t>(held.size()));
          model.release(held[i].number());
          held.erase(held.begin() + i);
        }
      } else if (what < 90) {  // change a held one
        if (!held.empty()) {
          BlockRef& ref = held[below(static_cast<uint32_t>(held.size()))];
          ref.data()[0] = contents[ref.number()] = ++stamp;
          ref.mark_dirty();
          model.mark_dirty(ref.number());
        }
      } else if (!large || below(8) == 0) {
        const bool ok = model.write_back(writes_fail, expected);
        ASSERT_EQ(cache.write_back().has_value(), ok) << "op " << op;
      }
      disk.fail_writes_after(-1);
      ASSERT_EQ(disk.log, expected) << "op " << op;
      const tas::fs::ext2::BlockCacheStats stats = cache.stats();
      ASSERT_EQ(stats.hits, model.hits);
      ASSERT_EQ(stats.misses, model.misses);
      ASSERT_EQ(stats.reads, model.reads);
      ASSERT_EQ(stats.writes, model.writes);
      ASSERT_EQ(stats.early_writes, model.early_writes);
      ASSERT_EQ(cache.dirty_count(), model.dirty_count());
    }
    held.clear();
    ASSERT_OK(cache.write_back());
    for (uint32_t b = 0; b < kBlocks; ++b) EXPECT_EQ(disk.bytes()[b * kBlock], contents[b]);
  }
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
