#include "mm/heap.h"

#include "recovery/panic.h"

namespace mm {

struct Heap::Block {
  static constexpr uint32_t kFree = 0xf4eeb10c, kUsed = 0xa110c8ed;
  size_t size;     // whole block, header included; a multiple of 16
  uint32_t magic;  // kFree or kUsed
  uint32_t check;  // ~magic ^ low bits of size: catches a header overwritten by a stray write
  Block* next;     // free blocks only
  uint64_t pad;

  void seal(uint32_t m) {
    magic = m;
    check = ~m ^ static_cast<uint32_t>(size);
  }
  bool intact() const { return check == (~magic ^ static_cast<uint32_t>(size)); }
};

namespace {
constexpr size_t kAlign = 16;
constexpr size_t round_up(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }
}  // namespace

Heap::Heap(const char* name, void* base, size_t size) : name_(name) {
  uintptr_t start = (reinterpret_cast<uintptr_t>(base) + kAlign - 1) & ~(kAlign - 1);
  size -= start - reinterpret_cast<uintptr_t>(base);
  base_ = start;
  size_ = size & ~(kAlign - 1);
  free_list_ = reinterpret_cast<Block*>(base_);
  free_list_->size = size_;
  free_list_->next = nullptr;
  free_list_->seal(Block::kFree);
}

bool Heap::contains(const void* p) const {
  const auto a = reinterpret_cast<uintptr_t>(p);
  return a >= base_ && a < base_ + size_;
}

void Heap::corrupted(const void* where, const char* what) const {
  recovery::panic("heap %s: %s at %p", name_, what, where);
}

void* Heap::allocate(size_t size) {
  if (size > size_) return ++failed_, nullptr;
  const size_t need = round_up(size + sizeof(Block));
  for (Block** link = &free_list_; *link != nullptr; link = &(*link)->next) {
    Block* b = *link;
    if (b->magic != Block::kFree || !b->intact()) corrupted(b, "free block header corrupted");
    if (b->size < need) continue;
    if (b->size - need >= sizeof(Block) + kAlign) {  // split: the tail stays free
      auto* rest = reinterpret_cast<Block*>(reinterpret_cast<uintptr_t>(b) + need);
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
    return b + 1;
  }
  ++failed_;
  return nullptr;
}

Heap::Block* Heap::validate(void* p) const {
  if (!contains(p) || (reinterpret_cast<uintptr_t>(p) & (kAlign - 1)) != 0)
    corrupted(p, "free of a pointer this heap does not own");
  Block* b = static_cast<Block*>(p) - 1;
  if (b->magic == Block::kFree && b->intact()) corrupted(p, "double free");
  if (b->magic != Block::kUsed || !b->intact() || b->size > size_)
    corrupted(p, "block header corrupted");
  return b;
}

void Heap::free(void* p) {
  if (p == nullptr) return;
  Block* b = validate(p);
  bytes_in_use_ -= b->size;
  --blocks_in_use_;
  // Insert in address order and merge with the neighbours.
  Block* prev = nullptr;
  Block* next = free_list_;
  while (next != nullptr && next < b) prev = next, next = next->next;
  b->next = next;
  b->seal(Block::kFree);
  if (next != nullptr &&
      reinterpret_cast<uintptr_t>(b) + b->size == reinterpret_cast<uintptr_t>(next)) {
    b->size += next->size;
    b->next = next->next;
    b->seal(Block::kFree);
    next->magic = 0;
  }
  if (prev != nullptr &&
      reinterpret_cast<uintptr_t>(prev) + prev->size == reinterpret_cast<uintptr_t>(b)) {
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

HeapStats Heap::stats() const { return {size_, bytes_in_use_, blocks_in_use_, failed_}; }

}  // namespace mm
