#include "mm/heap.h"

#include "core/interrupt_context.h"
#include "lib/align.h"
#include "recovery/panic.h"

namespace mm {

struct Heap::Block {
  static constexpr uint32_t kFree = 0xf4eeb10c, kUsed = 0xa110c8ed;
  size_t size;     // whole block, header included; a multiple of kAlign
  uint32_t magic;  // kFree or kUsed
  uint32_t check;  // derived from magic and size: catches a header overwritten by a stray write
  Block* next;     // free blocks only
  uint64_t pad;

  static uint32_t checksum(uint32_t m, size_t s) {
    return ~m ^ static_cast<uint32_t>(s) ^ static_cast<uint32_t>(s >> 32);
  }
  void seal(uint32_t m) {
    magic = m;
    check = checksum(m, size);
  }
  bool intact() const { return check == checksum(magic, size); }
  uintptr_t addr() const { return reinterpret_cast<uintptr_t>(this); }
  uintptr_t end() const { return addr() + size; }
};

namespace {
constexpr size_t kHeader = 32;
}  // namespace

Heap::Heap(const char* name, uintptr_t base, size_t limit, Backing& backing)
    : name_(name), base_(base), limit_(limit & ~(kChunk - 1)), backing_(backing) {
  static_assert(sizeof(Block) == kHeader);
}

Heap::~Heap() {
  if (mapped_ != 0) backing_.shrink(base_, mapped_);
}

void Heap::check_usable() const {
  // An allocation interrupted by an interrupt handler that allocates would
  // deadlock on lock_: heaps are for thread context only.
  KASSERT(!core::in_interrupt());
  if (poisoned_) recovery::panic("heap %s is corrupt: refusing to use it", name_);
}

void Heap::corrupted(const void* where, const char* what) {
  poisoned_ = true;
  recovery::panic("heap %s: %s at %p", name_, what, where);
}

void Heap::misused(const void* where, const char* what) const {
  // The caller's bug (the heap checked before changing anything): no poison.
  recovery::panic("heap %s: %s at %p", name_, what, where);
}

bool Heap::grow(size_t need) {
  // A free block at the top merges with the new memory: count it.
  Block* last = free_list_;
  while (last != nullptr && last->next != nullptr) last = last->next;
  if (last != nullptr && last->end() == base_ + mapped_)
    need -= last->size < need ? last->size : need;
  const size_t amount = lib::align_up(need, kChunk);
  if (amount > limit_ - mapped_) return false;
  if (!backing_.grow(base_ + mapped_, amount)) return false;
  auto* b = reinterpret_cast<Block*>(base_ + mapped_);
  mapped_ += amount;
  b->size = amount;
  insert_free(b);
  return true;
}

void Heap::insert_free(Block* b) {
  Block* prev = nullptr;
  Block* next = free_list_;
  while (next != nullptr && next < b) prev = next, next = next->next;
  b->next = next;
  b->seal(Block::kFree);
  if (next != nullptr && b->end() == next->addr()) {
    b->size += next->size;
    b->next = next->next;
    b->seal(Block::kFree);
    next->magic = 0;
  }
  if (prev != nullptr && prev->end() == b->addr()) {
    prev->size += b->size;
    prev->next = b->next;
    prev->seal(Block::kFree);
    b->magic = 0;
  } else if (prev != nullptr) {
    prev->next = b;
  } else {
    free_list_ = b;
  }
}

void Heap::trim() {
  Block* last = free_list_;
  while (last != nullptr && last->next != nullptr) last = last->next;
  if (last == nullptr || last->end() != base_ + mapped_ || last->size < 2 * kChunk) return;
  // Keep one chunk (and whatever is not chunk-aligned) free; give back the rest.
  const size_t keep = last->size - ((last->size - kChunk) & ~(kChunk - 1));
  const size_t release = last->size - keep;
  last->size = keep;
  last->seal(Block::kFree);
  mapped_ -= release;
  backing_.shrink(base_ + mapped_, release);
}

void* Heap::allocate(size_t size) {
  check_usable();
  lib::LockGuard guard(lock_);
  if (size > limit_) return ++failed_, nullptr;
  const size_t need = lib::align_up(size + kHeader, kAlign);
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (Block** link = &free_list_; *link != nullptr; link = &(*link)->next) {
      Block* b = *link;
      if (b->magic != Block::kFree || !b->intact()) corrupted(b, "free block header corrupted");
      if (b->size < need) continue;
      if (b->size - need >= kHeader + kAlign) {  // split: the tail stays free
        auto* rest = reinterpret_cast<Block*>(b->addr() + need);
        rest->size = b->size - need;
        rest->next = b->next;
        rest->seal(Block::kFree);
        b->size = need;
        *link = rest;
      } else {
        *link = b->next;
      }
      b->next = nullptr;
      b->seal(Block::kUsed);
      bytes_in_use_ += b->size;
      ++blocks_in_use_;
      return reinterpret_cast<void*>(b->addr() + kHeader);
    }
    if (attempt == 0 && !grow(need)) break;
  }
  ++failed_;
  return nullptr;
}

Heap::Block* Heap::validate(void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  if (!contains(p)) recovery::panic("heap %s: free of %p, which is not this heap's", name_, p);
  if (a - base_ < kHeader || a - base_ >= mapped_ || (a & (kAlign - 1)) != 0)
    misused(p, "free of a pointer that is no block");
  Block* b = reinterpret_cast<Block*>(a - kHeader);
  if (b->magic == Block::kFree && b->intact()) misused(p, "double free");
  if (b->magic != Block::kUsed || !b->intact() || b->size > mapped_ - (b->addr() - base_))
    corrupted(p, "block header corrupted");
  return b;
}

void Heap::free(void* p) {
  if (p == nullptr) return;
  check_usable();
  lib::LockGuard guard(lock_);
  Block* b = validate(p);
  bytes_in_use_ -= b->size;
  --blocks_in_use_;
  insert_free(b);
  trim();
}

bool Heap::check_integrity() const {
  lib::LockGuard guard(lock_);
  if (poisoned_) return false;
  size_t used = 0, used_bytes = 0, free_blocks = 0;
  bool previous_free = false;
  for (uintptr_t a = base_; a < base_ + mapped_;) {
    const auto* b = reinterpret_cast<const Block*>(a);
    if (!b->intact() || (b->magic != Block::kFree && b->magic != Block::kUsed) ||
        b->size < kHeader || b->size % kAlign != 0 || b->size > base_ + mapped_ - a)
      return false;
    const bool is_free = b->magic == Block::kFree;
    if (is_free && previous_free) return false;  // free neighbours must have merged
    if (is_free)
      ++free_blocks;
    else
      ++used, used_bytes += b->size;
    previous_free = is_free;
    a += b->size;
  }
  size_t listed = 0;
  for (const Block* b = free_list_; b != nullptr; b = b->next) {
    if (b->magic != Block::kFree || (b->next != nullptr && b->next <= b) || ++listed > free_blocks)
      return false;
  }
  return listed == free_blocks && used == blocks_in_use_ && used_bytes == bytes_in_use_;
}

HeapStats Heap::stats() const {
  lib::LockGuard guard(lock_);
  return {limit_, mapped_, bytes_in_use_, blocks_in_use_, failed_, poisoned_};
}

}  // namespace mm
