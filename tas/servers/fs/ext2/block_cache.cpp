#include "servers/fs/ext2/block_cache.h"

#include <cstring>

namespace tas::fs::ext2 {

BlockRef& BlockRef::operator=(BlockRef&& other) noexcept {
  if (this != &other) {
    release();
    cache_ = other.cache_;
    slot_ = other.slot_;
    other.cache_ = nullptr;
  }
  return *this;
}

uint32_t BlockRef::number() const { return cache_->slots_[slot_].block; }

std::span<uint8_t> BlockRef::bytes() const { return {cache_->buffer(slot_), cache_->block_size_}; }

void BlockRef::mark_dirty() { cache_->slots_[slot_].dirty = true; }

void BlockRef::release() {
  if (cache_ != nullptr) --cache_->slots_[slot_].pins;
  cache_ = nullptr;
}

Result<void> BlockCache::init(BlockDevice& device, uint32_t block_size, uint32_t capacity) {
  const uint32_t sector = device.block_size();
  if (sector == 0 || block_size % sector != 0) return fail(Error::invalid_argument);
  if (capacity < kMinCapacity) capacity = kMinCapacity;
  uint32_t buckets = 1;
  while (buckets < capacity * 2) buckets *= 2;

  TRY(slots, make_array<Slot>(capacity));
  TRY(heads, make_array<uint32_t>(buckets));
  TRY(buffers, make_array<uint8_t>(size_t{capacity} * block_size));
  slots_ = std::move(slots);
  heads_ = std::move(heads);
  buffers_ = std::move(buffers);
  for (uint32_t i = 0; i < buckets; ++i) heads_[i] = kNone;
  device_ = &device;
  block_size_ = block_size;
  sectors_per_block_ = block_size / sector;
  capacity_ = capacity;
  buckets_ = buckets;
  return {};
}

void BlockCache::unlink(uint32_t slot) {
  uint32_t* link = &heads_[bucket_of(slots_[slot].block)];
  while (*link != kNone) {
    if (*link == slot) {
      *link = slots_[slot].next;
      break;
    }
    link = &slots_[*link].next;
  }
  slots_[slot].next = kNone;
  slots_[slot].valid = false;
  slots_[slot].dirty = false;
}

Result<void> BlockCache::write_slot(uint32_t slot) {
  Slot& s = slots_[slot];
  const std::span<const uint8_t> data(buffer(slot), block_size_);
  if (!device_->write_blocks(uint64_t{s.block} * sectors_per_block_, data))
    return fail(Error::io_error);
  ++stats_.writes;
  s.dirty = false;
  return {};
}

Result<uint32_t> BlockCache::find_or_claim(uint32_t block, bool& found) {
  for (uint32_t i = heads_[bucket_of(block)]; i != kNone; i = slots_[i].next) {
    if (slots_[i].block == block) {
      found = true;
      ++stats_.hits;
      return i;
    }
  }
  found = false;
  ++stats_.misses;
  // A free slot, or else the least recently used clean one nobody holds,
  // or else the least recently used dirty one: changes stay in memory until
  // write_back() as long as there is room, so that what the device holds
  // changes only there (between two write-backs, the owner's operations
  // reach the device all together or not at all).
  uint32_t victim = kNone, dirty_victim = kNone;
  for (uint32_t i = 0; i < capacity_; ++i) {
    const Slot& s = slots_[i];
    if (!s.valid) {
      victim = i;
      break;
    }
    if (s.pins != 0) continue;
    uint32_t& best = s.dirty ? dirty_victim : victim;
    if (best == kNone || s.last_use < slots_[best].last_use) best = i;
  }
  if (victim == kNone) victim = dirty_victim;
  if (victim == kNone) return fail(Error::limit_reached);  // every buffer is held
  if (slots_[victim].valid) {
    if (slots_[victim].dirty) {
      TRY_VOID(write_slot(victim));
      ++stats_.early_writes;
    }
    unlink(victim);
  }
  Slot& s = slots_[victim];
  s.block = block;
  const uint32_t bucket = bucket_of(block);
  s.next = heads_[bucket];
  heads_[bucket] = victim;
  return victim;
}

Result<BlockRef> BlockCache::get(uint32_t block) {
  bool found = false;
  TRY(slot, find_or_claim(block, found));
  Slot& s = slots_[slot];
  if (!found) {
    const std::span<uint8_t> out(buffer(slot), block_size_);
    if (!device_->read_blocks(uint64_t{block} * sectors_per_block_, out)) {
      unlink(slot);
      return fail(Error::io_error);
    }
    ++stats_.reads;
    s.valid = true;
    s.dirty = false;
  }
  ++s.pins;
  s.last_use = ++clock_;
  return BlockRef(this, slot);
}

Result<BlockRef> BlockCache::get_zeroed(uint32_t block) {
  bool found = false;
  TRY(slot, find_or_claim(block, found));
  Slot& s = slots_[slot];
  std::memset(buffer(slot), 0, block_size_);
  s.valid = true;
  s.dirty = true;
  ++s.pins;
  s.last_use = ++clock_;
  return BlockRef(this, slot);
}

Result<void> BlockCache::write_back() {
  // In block order: the device sees one sweep rather than the LRU's order.
  uint32_t last = 0;
  bool first = true;
  for (;;) {
    uint32_t next = kNone;
    for (uint32_t i = 0; i < capacity_; ++i) {
      const Slot& s = slots_[i];
      if (!s.valid || !s.dirty || (!first && s.block <= last)) continue;
      if (next == kNone || s.block < slots_[next].block) next = i;
    }
    if (next == kNone) break;
    TRY_VOID(write_slot(next));
    last = slots_[next].block;
    first = false;
  }
  if (!device_->flush()) return fail(Error::io_error);
  return {};
}

uint32_t BlockCache::dirty_count() const {
  uint32_t n = 0;
  for (uint32_t i = 0; i < capacity_; ++i) n += slots_[i].valid && slots_[i].dirty;
  return n;
}

}  // namespace tas::fs::ext2
