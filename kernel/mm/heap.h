// An isolated heap: its own virtual range (a slot no other heap touches), its
// own lock, its own accounting and its own limit. It grows by mapping frames
// at the end of what it has (through a Backing) and gives whole chunks back
// when it has more than one free at the top.
//
// Blocks carry a checked header; a double free, a pointer this heap does not
// own, or a corrupted header is detected and raised as a fault (a throw inside
// catch_unwind). A heap found corrupt (not merely misused) is poisoned: every
// later call raises a fault at once; other heaps are untouched. Never used in
// interrupt context.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "lib/spinlock.h"

namespace mm {

struct HeapStats {
  size_t limit;         // most it may map
  size_t mapped;        // bytes currently mapped (capacity)
  size_t bytes_in_use;  // including block headers
  size_t blocks_in_use;
  size_t failed_allocations;
  bool poisoned;
};

class Heap {
 public:
  // Where a heap's memory comes from.
  class Backing {
   public:
    // Makes [va, va+bytes) usable memory, all or nothing.
    virtual Result<void> grow(uintptr_t va, size_t bytes) = 0;
    virtual void shrink(uintptr_t va, size_t bytes) = 0;

   protected:
    ~Backing() = default;
  };

  static constexpr size_t kChunk = 64 << 10;  // growth granule
  static constexpr size_t kAlign = 16;

  Heap(const char* name, uintptr_t base, size_t limit, Backing& backing);
  ~Heap();  // gives back everything it mapped
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // 16-byte aligned memory, or nullptr when the heap is at its limit or no
  // frames are left.
  void* allocate(size_t size);
  void free(void* p);
  // The range this heap may ever use.
  bool contains(const void* p) const {
    const auto a = reinterpret_cast<uintptr_t>(p);
    return a >= base_ && a - base_ < limit_;
  }
  // Walks every block: headers intact, sizes adding up, free list in order.
  bool check_integrity() const;

  HeapStats stats() const;
  const char* name() const { return name_; }
  uintptr_t base() const { return base_; }

 private:
  struct Block;
  Block* validate(void* p);
  [[noreturn]] void corrupted(const void* where, const char* what);  // poisons
  [[noreturn]] void misused(const void* where, const char* what) const;
  // With the lock held:
  bool grow(size_t need);      // maps at least `need` more bytes, as a free block
  void insert_free(Block* b);  // address-ordered, merged with its neighbours
  void trim();                 // unmaps whole chunks beyond one free at the top
  void check_usable() const;

  const char* name_;
  uintptr_t base_;
  size_t limit_;
  Backing& backing_;
  size_t mapped_ = 0;
  Block* free_list_ = nullptr;  // address-ordered, coalesced
  size_t bytes_in_use_ = 0, blocks_in_use_ = 0, failed_ = 0;
  bool poisoned_ = false;
  mutable lib::SpinLock lock_;
};

}  // namespace mm
