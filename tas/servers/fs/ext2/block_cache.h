// A write-back cache of file-system blocks over a BlockDevice: a fixed set
// of buffers, found by block number through a hash table, replaced least
// recently used first -- clean ones before dirty ones. A block is in use
// while a BlockRef to it lives (it is pinned: never replaced); a changed
// block is marked dirty and reaches the device at write_back() (sync,
// unmount), or earlier only when it must be replaced because every other
// buffer is dirty or pinned (counted: early_writes).
//
// Neither a miss nor write_back() looks at every buffer. The buffers nobody
// pins are on two lists in order of last use (of the last get): the clean
// ones, after the free ones, and the dirty ones; a victim is the head of
// one. A buffer let go goes back to its place from the newest end (only
// those got while it was held are newer). The dirty buffers, pinned or not,
// are also in an array, which write_back() sorts by block number.
//
// Single-threaded: the file system that owns it serializes its callers.
#pragma once
#include <cstdint>
#include <span>

#include "lib/result.h"
#include "servers/fs/block_device.h"
#include "servers/fs/fallible_new.h"

namespace tas::fs::ext2 {

class BlockCache;

// A pinned block of the cache. Move-only; unpins when destroyed.
class BlockRef {
 public:
  BlockRef() = default;
  BlockRef(BlockRef&& other) noexcept : cache_(other.cache_), slot_(other.slot_) {
    other.cache_ = nullptr;
  }
  BlockRef& operator=(BlockRef&& other) noexcept;
  BlockRef(const BlockRef&) = delete;
  BlockRef& operator=(const BlockRef&) = delete;
  ~BlockRef() { release(); }

  uint32_t number() const;
  std::span<uint8_t> bytes() const;
  uint8_t* data() const { return bytes().data(); }
  // The buffer was (or is about to be) changed: it goes back to the device.
  void mark_dirty();

 private:
  friend class BlockCache;
  BlockRef(BlockCache* cache, uint32_t slot) : cache_(cache), slot_(slot) {}
  void release();

  BlockCache* cache_ = nullptr;
  uint32_t slot_ = 0;
};

struct BlockCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t reads = 0;   // blocks read from the device
  uint64_t writes = 0;  // blocks written to the device
  // Dirty blocks written because they were replaced, before a write_back():
  // the device then holds part of the changes made since the last one.
  uint64_t early_writes = 0;
};

class BlockCache {
 public:
  static constexpr uint32_t kMinCapacity = 16;

  // Sets the cache up with `capacity` buffers (at least kMinCapacity) of
  // `block_size` bytes, a multiple of the device's block size.
  Result<void> init(BlockDevice& device, uint32_t block_size, uint32_t capacity);

  // Block `block`'s contents, read from the device unless cached.
  Result<BlockRef> get(uint32_t block);
  // Block `block` about to be overwritten whole: no read; zero-filled and
  // dirty.
  Result<BlockRef> get_zeroed(uint32_t block);
  // Writes every dirty block to the device, then flushes the device.
  Result<void> write_back();

  uint32_t block_size() const { return block_size_; }
  uint32_t capacity() const { return capacity_; }
  uint32_t dirty_count() const { return dirty_count_; }
  BlockCacheStats stats() const { return stats_; }

 private:
  friend class BlockRef;
  static constexpr uint32_t kNone = ~0u;

  // A buffer is on lru_[dirty] while nobody pins it (a free one: on
  // lru_[0], before the valid ones), in order of last_use: head the least
  // recently used. A valid buffer's last_use is the clock at its last get;
  // a free one's 0.
  struct Slot {
    uint32_t block = 0;
    uint32_t pins = 0;
    uint32_t next = kNone;   // hash chain
    uint32_t older = kNone;  // LRU list
    uint32_t newer = kNone;
    uint32_t dirty_at = 0;  // index in dirty_ while dirty
    uint64_t last_use = 0;
    bool valid = false;
    bool dirty = false;
  };
  struct List {
    uint32_t head = kNone;  // least recently used
    uint32_t tail = kNone;
  };

  // The buffer of `block`, or one claimed for it; pinned either way.
  Result<uint32_t> find_or_claim(uint32_t block, bool& found);
  Result<void> write_slot(uint32_t slot);
  uint32_t bucket_of(uint32_t block) const { return (block * 2654435761u) & (buckets_ - 1); }
  // Off the hash table, invalid (last_use 0) and clean; `slot` is pinned.
  void unlink(uint32_t slot);
  void pin(uint32_t slot);
  void unpin(uint32_t slot);
  void mark_dirty(uint32_t slot);
  void remove_dirty(uint32_t slot);
  void list_remove(List& list, uint32_t slot);
  // After `after` (kNone: at the head).
  void list_insert_after(List& list, uint32_t after, uint32_t slot);
  // In order of last_use, looking from the tail.
  void list_insert(List& list, uint32_t slot);
  // dirty_ in block order (dirty_at is left to the caller).
  void sort_dirty();
  // The buffers on lru_[1] that write_back() wrote, to lru_[0].
  void move_written_to_clean();
  uint8_t* buffer(uint32_t slot) const { return buffers_.get() + size_t{slot} * block_size_; }

  BlockDevice* device_ = nullptr;
  uint32_t block_size_ = 0;
  uint32_t sectors_per_block_ = 0;
  uint32_t capacity_ = 0;
  uint32_t buckets_ = 0;
  uint32_t dirty_count_ = 0;
  uint64_t clock_ = 0;
  Array<Slot> slots_;
  Array<uint32_t> heads_;
  Array<uint32_t> dirty_;  // the dirty buffers, dirty_count_ of them
  Array<uint8_t> buffers_;
  List lru_[2];  // [dirty]
  BlockCacheStats stats_;
};

}  // namespace tas::fs::ext2
