#include "mm/frame_allocator.h"

#include "lib/align.h"
#include "recovery/panic.h"

namespace mm {

struct FrameAllocator::Frame {
  enum State : uint8_t { reserved, tail, free_head, used_head };
  uint32_t next, prev;  // free-list links (free heads only)
  uint8_t order;        // of the run this frame heads
  State state;
  uint16_t unused;
};
static_assert(sizeof(uint32_t) * 3 == 12);  // 12 bytes of metadata per frame

namespace {
constexpr uint64_t kRunFrames = uint64_t{1} << FrameAllocator::kMaxOrder;
using lib::align_down;
using lib::align_up;
}  // namespace

size_t FrameAllocator::metadata_size(PhysAddr start, PhysAddr end) {
  const uint64_t first = align_down(start >> kPageShift, kRunFrames);
  const uint64_t last = align_up(end >> kPageShift, kRunFrames);
  return static_cast<size_t>(last - first) * sizeof(Frame);
}

void FrameAllocator::init(PhysAddr start, PhysAddr end, void* metadata) {
  base_pfn_ = align_down(start >> kPageShift, kRunFrames);
  count_ = static_cast<uint32_t>(align_up(end >> kPageShift, kRunFrames) - base_pfn_);
  frames_ = static_cast<Frame*>(metadata);
  for (uint32_t i = 0; i < count_; ++i) frames_[i] = Frame{kNone, kNone, 0, Frame::reserved, 0};
  for (unsigned o = 0; o <= kMaxOrder; ++o) heads_[o] = kNone, free_runs_[o] = 0;
  total_ = free_ = failed_ = 0;
}

bool FrameAllocator::manages(PhysAddr phys) const {
  const uint64_t pfn = phys >> kPageShift;
  return pfn >= base_pfn_ && pfn - base_pfn_ < count_;
}

void FrameAllocator::push(uint32_t index, unsigned order) {
  Frame& f = frames_[index];
  f = Frame{heads_[order], kNone, static_cast<uint8_t>(order), Frame::free_head, 0};
  if (heads_[order] != kNone) frames_[heads_[order]].prev = index;
  heads_[order] = index;
  ++free_runs_[order];
}

void FrameAllocator::remove(uint32_t index, unsigned order) {
  Frame& f = frames_[index];
  if (f.prev != kNone)
    frames_[f.prev].next = f.next;
  else
    heads_[order] = f.next;
  if (f.next != kNone) frames_[f.next].prev = f.prev;
  f.next = f.prev = kNone;
  f.state = Frame::tail;
  --free_runs_[order];
}

void FrameAllocator::free_block(uint32_t index, unsigned order) {
  while (order < kMaxOrder) {
    const uint32_t buddy = index ^ (uint32_t{1} << order);
    if (buddy >= count_ || frames_[buddy].state != Frame::free_head ||
        frames_[buddy].order != order)
      break;
    remove(buddy, order);
    frames_[index].state = Frame::tail;
    index = index < buddy ? index : buddy;
    ++order;
  }
  push(index, order);
}

void FrameAllocator::add_free(PhysAddr phys, uint64_t size) {
  lib::LockGuard guard(lock_);
  uint64_t pfn = align_up(phys, uint64_t{kPageSize}) >> kPageShift;
  const uint64_t end = align_down(phys + size, uint64_t{kPageSize}) >> kPageShift;
  if (pfn < base_pfn_ || end > base_pfn_ + count_ || pfn >= end) return;
  while (pfn < end) {
    // The largest aligned run that starts here and fits.
    unsigned order = kMaxOrder;
    while (((pfn - base_pfn_) & ((uint64_t{1} << order) - 1)) != 0 ||
           pfn + (uint64_t{1} << order) > end)
      --order;
    free_block(static_cast<uint32_t>(pfn - base_pfn_), order);
    const uint64_t n = uint64_t{1} << order;
    total_ += n, free_ += n;
    pfn += n;
  }
}

Result<PhysAddr> FrameAllocator::allocate(unsigned order) {
  if (order > kMaxOrder) return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  unsigned k = order;
  while (k <= kMaxOrder && heads_[k] == kNone) ++k;
  if (k > kMaxOrder) {
    ++failed_;
    return fail(Error::no_memory);
  }
  const uint32_t index = heads_[k];
  remove(index, k);
  while (k > order) {  // split: the upper halves stay free
    --k;
    push(index + (uint32_t{1} << k), k);
  }
  frames_[index].state = Frame::used_head;
  frames_[index].order = static_cast<uint8_t>(order);
  free_ -= uint64_t{1} << order;
  return (base_pfn_ + index) << kPageShift;
}

void FrameAllocator::free(PhysAddr phys, unsigned order) {
  lib::LockGuard guard(lock_);
  const uint64_t pfn = phys >> kPageShift;
  if (!lib::is_aligned(phys, uint64_t{kPageSize}) || !manages(phys))
    recovery::panic("frames: free of %#lx, not a managed frame", static_cast<unsigned long>(phys));
  const auto index = static_cast<uint32_t>(pfn - base_pfn_);
  const Frame& f = frames_[index];
  if (f.state == Frame::free_head)
    recovery::panic("frames: double free of %#lx", static_cast<unsigned long>(phys));
  if (f.state != Frame::used_head)
    recovery::panic("frames: free of %#lx, not the start of an allocated run",
                    static_cast<unsigned long>(phys));
  if (f.order != order)
    recovery::panic("frames: free of %#lx with order %u, allocated with order %u",
                    static_cast<unsigned long>(phys), order, f.order);
  free_ += uint64_t{1} << order;
  free_block(index, order);
}

FrameStats FrameAllocator::stats() const {
  lib::LockGuard guard(lock_);
  return {total_, free_, total_ - free_, failed_};
}

uint64_t FrameAllocator::free_runs(unsigned order) const {
  lib::LockGuard guard(lock_);
  return order <= kMaxOrder ? free_runs_[order] : 0;
}

FrameAllocator& frames() {
  static constinit FrameAllocator kernel_frames;
  return kernel_frames;
}

Result<FrameRun> allocate_frames(FrameAllocator& allocator, unsigned order) {
  TRY(phys, allocator.allocate(order));
  return FrameRun(allocator, phys, order);
}

Result<FrameRun> allocate_frames(unsigned order) { return allocate_frames(frames(), order); }

}  // namespace mm
