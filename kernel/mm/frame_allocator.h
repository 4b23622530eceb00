// The physical frame allocator: a buddy allocator over all usable RAM, for
// single 4 KiB frames and aligned power-of-two runs, O(log n) per operation.
// Its bookkeeping lives in a separate metadata array (12 bytes per frame), not
// in the free frames, so a stray write into free memory cannot corrupt it, and
// every free is checked against it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "lib/spinlock.h"

namespace mm {

using PhysAddr = uint64_t;
constexpr size_t kPageSize = 4096;
constexpr unsigned kPageShift = 12;

struct FrameStats {
  uint64_t total_frames;  // usable frames handed to the allocator
  uint64_t free_frames;
  uint64_t used_frames;
  uint64_t failed_allocations;
};

class FrameAllocator {
 public:
  static constexpr unsigned kMaxOrder = 10;  // runs of up to 2^10 frames (4 MiB)

  // Bytes of metadata needed to manage the physical range [start, end).
  static size_t metadata_size(PhysAddr start, PhysAddr end);

  constexpr FrameAllocator() = default;
  FrameAllocator(const FrameAllocator&) = delete;
  FrameAllocator& operator=(const FrameAllocator&) = delete;

  // Manages [start, end) (widened to 4 MiB alignment) with `metadata` of at
  // least metadata_size(start, end) bytes. Every frame starts reserved.
  void init(PhysAddr start, PhysAddr end, void* metadata);
  // Makes the whole frames inside [phys, phys+size) available.
  void add_free(PhysAddr phys, uint64_t size);

  // A run of 2^order frames aligned to its size, or Error::no_memory.
  Result<PhysAddr> allocate(unsigned order = 0);
  // Frees a run from allocate() with the same order. A pointer that is not the
  // start of an allocated run of that order (a double free, a stray address)
  // raises a fault; the allocator is left unchanged.
  void free(PhysAddr phys, unsigned order = 0);

  FrameStats stats() const;
  // Free runs of each order, for tests and diagnostics.
  uint64_t free_runs(unsigned order) const;
  bool manages(PhysAddr phys) const;

 private:
  struct Frame;
  static constexpr uint32_t kNone = 0xffffffff;

  void push(uint32_t index, unsigned order);
  void remove(uint32_t index, unsigned order);
  void free_block(uint32_t index, unsigned order);  // with merging; lock held

  Frame* frames_ = nullptr;
  uint64_t base_pfn_ = 0;  // frame number of index 0 (4 MiB aligned)
  uint32_t count_ = 0;
  uint32_t heads_[kMaxOrder + 1] = {};
  uint64_t free_runs_[kMaxOrder + 1] = {};
  uint64_t total_ = 0, free_ = 0, failed_ = 0;
  mutable lib::SpinLock lock_;
};

// The kernel's frame allocator (set up by mm::init).
FrameAllocator& frames();

// Owns a run of frames: dropping the owner frees them. Move-only.
class FrameRun {
 public:
  FrameRun() = default;
  FrameRun(FrameAllocator& allocator, PhysAddr phys, unsigned order)
      : allocator_(&allocator), phys_(phys), order_(order) {}
  FrameRun(FrameRun&& o) noexcept : allocator_(o.allocator_), phys_(o.phys_), order_(o.order_) {
    o.allocator_ = nullptr;
  }
  FrameRun& operator=(FrameRun&& o) noexcept {
    if (this != &o) {
      reset();
      allocator_ = o.allocator_, phys_ = o.phys_, order_ = o.order_;
      o.allocator_ = nullptr;
    }
    return *this;
  }
  ~FrameRun() { reset(); }

  PhysAddr phys() const { return phys_; }
  unsigned order() const { return order_; }
  size_t size() const { return kPageSize << order_; }
  explicit operator bool() const { return allocator_ != nullptr; }
  // Gives up ownership: the caller frees the run.
  PhysAddr release() {
    allocator_ = nullptr;
    return phys_;
  }
  void reset() {
    if (allocator_ != nullptr) allocator_->free(phys_, order_);
    allocator_ = nullptr;
  }

 private:
  FrameAllocator* allocator_ = nullptr;
  PhysAddr phys_ = 0;
  unsigned order_ = 0;
};

// A run of 2^order frames from `allocator` (default: the kernel's), owned.
Result<FrameRun> allocate_frames(unsigned order = 0);
Result<FrameRun> allocate_frames(FrameAllocator& allocator, unsigned order = 0);

}  // namespace mm
