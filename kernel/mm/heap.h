// A first-fit heap over one fixed range, with per-heap accounting and
// header canaries: a corrupted header or a bad free is detected and raised as
// a fault (a throw inside catch_unwind) rather than followed.
// The first kernel heap; issue "Memory" makes heaps per module and growable.
#pragma once
#include <cstddef>
#include <cstdint>

namespace mm {

struct HeapStats {
  size_t capacity;
  size_t bytes_in_use;  // including block headers
  size_t blocks_in_use;
  size_t failed_allocations;
};

class Heap {
 public:
  Heap(const char* name, void* base, size_t size);
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // 16-byte aligned memory, or nullptr when the heap cannot satisfy `size`.
  void* allocate(size_t size);
  // Frees a block from allocate(); nullptr is ignored. Raises a fault on a
  // pointer that is not a live block of this heap.
  void free(void* p);
  bool contains(const void* p) const;

  HeapStats stats() const;
  const char* name() const { return name_; }

 private:
  struct Block;
  Block* validate(void* p) const;
  [[noreturn]] void corrupted(const void* where, const char* what) const;

  const char* name_;
  uintptr_t base_;
  size_t size_;
  Block* free_list_;  // address-ordered, coalesced
  size_t bytes_in_use_ = 0;
  size_t blocks_in_use_ = 0;
  size_t failed_ = 0;
};

}  // namespace mm
