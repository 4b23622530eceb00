#include "core/memory_object.h"

#include "arch/arch.h"
#include "lib/align.h"
#include "mm/frame_allocator.h"

namespace core {

mm::PhysAddr* MemoryObject::list_at(mm::PhysAddr entry) {
  return reinterpret_cast<mm::PhysAddr*>(arch::phys_to_virt(entry & ~kPresent));
}

Result<Ref<MemoryObject>> MemoryObject::create(size_t size) {
  if (size == 0 || size > kMaxSize || !lib::is_aligned(size, size_t{mm::kPageSize}))
    return fail(Error::invalid_argument);
  return make_object<MemoryObject>(size / mm::kPageSize);
}

Result<Ref<MemoryObject>> MemoryObject::create_contiguous(size_t size) {
  if (size < mm::kPageSize || size > kMaxContiguousSize || (size & (size - 1)) != 0)
    return fail(Error::invalid_argument);
  const size_t pages = size / mm::kPageSize;
  unsigned order = 0;
  while ((size_t{1} << order) < pages) ++order;
  TRY(run, mm::allocate_frames(order));
  for (size_t i = 0; i < pages; ++i)
    arch::zero_page(reinterpret_cast<void*>(arch::phys_to_virt(run.phys() + i * mm::kPageSize)));
  // The run goes with the object (or with this frame, if making it fails).
  return make_object<MemoryObject>(pages, static_cast<mm::FrameRun&&>(run));
}

MemoryObject::~MemoryObject() {
  for (mm::PhysAddr list : lists_) {
    if (list == 0) continue;
    for (size_t i = 0; i < kPerList; ++i) {
      if (const mm::PhysAddr entry = list_at(list)[i]; entry != 0)
        mm::frames().free(entry & ~kPresent, 0);
    }
    mm::frames().free(list & ~kPresent, 0);
  }
}

Result<mm::PhysAddr> MemoryObject::frame(size_t index) {
  if (index >= pages_) return fail(Error::out_of_range);
  if (run_) return run_.phys() + index * mm::kPageSize;
  lib::LockGuard guard(lock_);
  mm::PhysAddr& list = lists_[index / kPerList];
  if (list == 0) {
    TRY(frame, mm::allocate_zeroed_frame());
    list = frame.release() | kPresent;
  }
  mm::PhysAddr& entry = list_at(list)[index % kPerList];
  if (entry == 0) {
    TRY(frame, mm::allocate_zeroed_frame());
    entry = frame.release() | kPresent;
    ++resident_;
  }
  return entry & ~kPresent;
}

size_t MemoryObject::resident_pages() const {
  if (run_) return pages_;
  lib::LockGuard guard(lock_);
  return resident_;
}

}  // namespace core
