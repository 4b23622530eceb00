// A memory object: pages that any number of address spaces map (shared
// regions) and that processes name through handles. Its frames are filled
// with zeros on first touch and belong to the object, not to the spaces that
// map it: they are freed when the last reference -- a handle or a mapping --
// goes. Issue 5's message buffers and the process server's program images
// are memory objects too.
//
// A *contiguous* object (create_contiguous: DMA memory for the TAS's
// drivers, DMA_MEMORY_CREATE) is one run of physically contiguous frames,
// allocated and zeroed at once, aligned to its size: a device can be given
// its physical address.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/kernel_object.h"
#include "lib/object_count.h"
#include "lib/spinlock.h"
#include "mm/frame_allocator.h"
#include "mm/kernel_memory.h"

namespace core {

class MemoryObject final : public KernelObject {
 public:
  // Large enough for a program image or a bulk buffer.
  static constexpr size_t kMaxSize = size_t{64} << 20;

  // `size` bytes (page aligned, 0 < size <= kMaxSize), no frames yet.
  static Result<Ref<MemoryObject>> create(size_t size);
  // The most a contiguous object holds: the frame allocator's largest run.
  static constexpr size_t kMaxContiguousSize = mm::kPageSize << mm::FrameAllocator::kMaxOrder;
  // `size` bytes (a power of two, page to kMaxContiguousSize) of contiguous
  // frames, zeroed now; Error::invalid_argument, Error::no_memory.
  static Result<Ref<MemoryObject>> create_contiguous(size_t size);
  ~MemoryObject() override;

  size_t size() const { return pages_ * mm::kPageSize; }
  // The frame holding page `index` (< size() / page), zero-filled when first
  // asked for; Error::no_memory when no frame is left.
  Result<mm::PhysAddr> frame(size_t index);
  size_t resident_pages() const;
  // The physical address of page 0 of a contiguous object (0: not one).
  mm::PhysAddr contiguous_base() const { return run_.phys(); }

 private:
  // The frames are found through page lists: frames of 512 entries, made
  // when a page they cover is first touched (no heap memory that grows with
  // the size). An entry is a frame's address | kPresent, or 0.
  static constexpr size_t kPerList = mm::kPageSize / sizeof(mm::PhysAddr);
  static constexpr size_t kMaxLists = kMaxSize / mm::kPageSize / kPerList;
  static constexpr mm::PhysAddr kPresent = 1;
  static mm::PhysAddr* list_at(mm::PhysAddr entry);

  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  explicit MemoryObject(size_t pages) : pages_(pages) {}
  MemoryObject(size_t pages, mm::FrameRun run)
      : run_(static_cast<mm::FrameRun&&>(run)), pages_(pages) {}

  mm::FrameRun run_;  // a contiguous object's frames (empty otherwise: lists_)
  mm::PhysAddr lists_[kMaxLists] = {};
  size_t pages_;
  size_t resident_ = 0;
  mutable lib::SpinLock lock_;
  lib::Counted<REBOUND_OBJECT_MEMORY> counted_;
};

}  // namespace core
