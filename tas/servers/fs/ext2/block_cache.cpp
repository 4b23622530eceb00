#include "servers/fs/ext2/block_cache.h"

#include <cstring>
#include <utility>

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

void BlockRef::mark_dirty() { cache_->mark_dirty(slot_); }

void BlockRef::release() {
  if (cache_ != nullptr) cache_->unpin(slot_);
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
  TRY(dirty, make_array<uint32_t>(capacity));
  TRY(buffers, make_array<uint8_t>(size_t{capacity} * block_size));
  slots_ = std::move(slots);
  heads_ = std::move(heads);
  dirty_ = std::move(dirty);
  buffers_ = std::move(buffers);
  for (uint32_t i = 0; i < buckets; ++i) heads_[i] = kNone;
  lru_[0] = lru_[1] = List{};
  for (uint32_t i = 0; i < capacity; ++i) list_insert_after(lru_[0], lru_[0].tail, i);
  dirty_count_ = 0;
  device_ = &device;
  block_size_ = block_size;
  sectors_per_block_ = block_size / sector;
  capacity_ = capacity;
  buckets_ = buckets;
  return {};
}

void BlockCache::list_remove(List& list, uint32_t slot) {
  Slot& s = slots_[slot];
  (s.older == kNone ? list.head : slots_[s.older].newer) = s.newer;
  (s.newer == kNone ? list.tail : slots_[s.newer].older) = s.older;
  s.older = s.newer = kNone;
}

void BlockCache::list_insert_after(List& list, uint32_t after, uint32_t slot) {
  Slot& s = slots_[slot];
  s.older = after;
  s.newer = after == kNone ? list.head : slots_[after].newer;
  (s.older == kNone ? list.head : slots_[s.older].newer) = slot;
  (s.newer == kNone ? list.tail : slots_[s.newer].older) = slot;
}

void BlockCache::list_insert(List& list, uint32_t slot) {
  // Only the buffers got while `slot` was held are newer (and the free ones,
  // last_use 0, stay ahead of every valid one).
  uint32_t after = list.tail;
  while (after != kNone && slots_[after].last_use > slots_[slot].last_use)
    after = slots_[after].older;
  list_insert_after(list, after, slot);
}

void BlockCache::pin(uint32_t slot) {
  Slot& s = slots_[slot];
  if (s.pins++ == 0) list_remove(lru_[s.dirty], slot);
}

void BlockCache::unpin(uint32_t slot) {
  Slot& s = slots_[slot];
  if (--s.pins == 0) list_insert(lru_[s.dirty], slot);
}

void BlockCache::mark_dirty(uint32_t slot) {
  Slot& s = slots_[slot];  // pinned: on no list
  if (s.dirty) return;
  s.dirty = true;
  s.dirty_at = dirty_count_;
  dirty_[dirty_count_++] = slot;
}

void BlockCache::remove_dirty(uint32_t slot) {
  const uint32_t at = slots_[slot].dirty_at;
  const uint32_t last = dirty_[--dirty_count_];
  dirty_[at] = last;
  slots_[last].dirty_at = at;
  slots_[slot].dirty = false;
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
  slots_[slot].last_use = 0;
  if (slots_[slot].dirty) remove_dirty(slot);
}

Result<void> BlockCache::write_slot(uint32_t slot) {
  const std::span<const uint8_t> data(buffer(slot), block_size_);
  if (!device_->write_blocks(uint64_t{slots_[slot].block} * sectors_per_block_, data))
    return fail(Error::io_error);
  ++stats_.writes;
  return {};
}

Result<uint32_t> BlockCache::find_or_claim(uint32_t block, bool& found) {
  for (uint32_t i = heads_[bucket_of(block)]; i != kNone; i = slots_[i].next) {
    if (slots_[i].block == block) {
      found = true;
      ++stats_.hits;
      pin(i);
      return i;
    }
  }
  found = false;
  ++stats_.misses;
  // A free buffer, or else the least recently used clean one nobody holds,
  // or else the least recently used dirty one: changes stay in memory until
  // write_back() as long as there is room, so that what the device holds
  // changes only there (between two write-backs, the owner's operations
  // reach the device all together or not at all).
  const uint32_t victim = lru_[0].head != kNone ? lru_[0].head : lru_[1].head;
  if (victim == kNone) return fail(Error::limit_reached);  // every buffer is held
  Slot& s = slots_[victim];
  if (s.dirty) {
    TRY_VOID(write_slot(victim));
    ++stats_.early_writes;
  }
  pin(victim);
  if (s.valid) unlink(victim);
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
      --s.pins;
      list_insert_after(lru_[0], kNone, slot);  // free: first to be claimed
      return fail(Error::io_error);
    }
    ++stats_.reads;
    s.valid = true;
  }
  s.last_use = ++clock_;
  return BlockRef(this, slot);
}

Result<BlockRef> BlockCache::get_zeroed(uint32_t block) {
  bool found = false;
  TRY(slot, find_or_claim(block, found));
  Slot& s = slots_[slot];
  std::memset(buffer(slot), 0, block_size_);
  s.valid = true;
  mark_dirty(slot);
  s.last_use = ++clock_;
  return BlockRef(this, slot);
}

void BlockCache::move_written_to_clean() {
  // Both lists are in order of last_use: a merge, from the newest end.
  List& dirty = lru_[1];
  List& clean = lru_[0];
  uint32_t at = clean.tail;
  for (uint32_t i = dirty.tail; i != kNone;) {
    const uint32_t older = slots_[i].older;
    if (!slots_[i].dirty) {
      list_remove(dirty, i);
      while (at != kNone && slots_[at].last_use > slots_[i].last_use) at = slots_[at].older;
      list_insert_after(clean, at, i);
    }
    i = older;
  }
}

void BlockCache::sort_dirty() {
  // A heapsort: in place, n log n at worst (std::sort would bring several
  // KiB of code for this one use).
  uint32_t* const dirty = dirty_.get();
  auto sift_down = [&](uint32_t root, uint32_t end) {
    const uint32_t item = dirty[root];
    const uint32_t key = slots_[item].block;
    for (uint32_t child = 2 * root + 1; child < end; root = child, child = 2 * root + 1) {
      if (child + 1 < end && slots_[dirty[child + 1]].block > slots_[dirty[child]].block) ++child;
      if (slots_[dirty[child]].block <= key) break;
      dirty[root] = dirty[child];
    }
    dirty[root] = item;
  };
  for (uint32_t i = dirty_count_ / 2; i-- > 0;) sift_down(i, dirty_count_);
  for (uint32_t end = dirty_count_; end-- > 1;) {
    std::swap(dirty[0], dirty[end]);
    sift_down(0, end);
  }
}

Result<void> BlockCache::write_back() {
  // In block order: the device sees one sweep rather than the LRU's order.
  uint32_t* const dirty = dirty_.get();
  const uint32_t count = dirty_count_;
  sort_dirty();
  uint32_t written = 0;
  bool ok = true;
  for (; written < count; ++written) {
    if (!write_slot(dirty[written])) {
      ok = false;
      break;
    }
    slots_[dirty[written]].dirty = false;  // if unpinned, on lru_[1] until the merge
  }
  // What is left, still dirty, to the front.
  for (uint32_t i = written; i < count; ++i) {
    dirty[i - written] = dirty[i];
    slots_[dirty[i]].dirty_at = i - written;
  }
  dirty_count_ = count - written;
  move_written_to_clean();
  if (!ok) return fail(Error::io_error);
  if (!device_->flush()) return fail(Error::io_error);
  return {};
}

}  // namespace tas::fs::ext2
