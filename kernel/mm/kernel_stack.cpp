#include "mm/kernel_stack.h"

#include <optional>
#include <utility>

#include "lib/log.h"
#include "lib/object_count.h"
#include "lib/slot_bitmap.h"
#include "lib/spinlock.h"
#include "mm/kernel_memory.h"

namespace mm {
namespace {

lib::SpinLock g_lock;
lib::SlotBitmap<kMaxKernelStacks> g_slots;  // under g_lock

void release_slot(size_t slot) {
  lib::LockGuard guard(g_lock);
  g_slots.release(slot);
}

// A claimed slot, released when dropped unless take() handed it on.
class SlotClaim {
 public:
  SlotClaim() {
    lib::LockGuard guard(g_lock);
    slot_ = g_slots.claim();
  }
  ~SlotClaim() {
    if (slot_) release_slot(*slot_);
  }
  SlotClaim(const SlotClaim&) = delete;
  SlotClaim& operator=(const SlotClaim&) = delete;

  const std::optional<size_t>& slot() const { return slot_; }
  size_t take() { return *std::exchange(slot_, std::nullopt); }

 private:
  std::optional<size_t> slot_;
};

}  // namespace

Result<KernelStack> KernelStack::create() {
  TRY(frames, allocate_frames(kKernelStackOrder));
  SlotClaim claim;
  if (!claim.slot()) return fail(Error::no_memory);
  // Only the stack part is mapped: the guard below it never is.
  const uintptr_t base = slot_address(*claim.slot()) + kKernelStackGuardSize;
  if (auto mapped =
          kernel_page_table().map(base, frames.phys(), kKernelStackSize, perm::read | perm::write);
      !mapped)
    return fail(mapped.error());
  return KernelStack(claim.take(), std::move(frames));
}

KernelStack::KernelStack(size_t slot, FrameRun frames) : slot_(slot), frames_(std::move(frames)) {
  lib::count_object(REBOUND_OBJECT_KERNEL_STACK, 1);
}

KernelStack::KernelStack(KernelStack&& o) noexcept
    : slot_(std::exchange(o.slot_, kNoSlot)), frames_(std::move(o.frames_)) {}

KernelStack& KernelStack::operator=(KernelStack&& o) noexcept {
  if (this != &o) {
    reset();
    slot_ = std::exchange(o.slot_, kNoSlot);
    frames_ = std::move(o.frames_);
  }
  return *this;
}

void KernelStack::reset() {
  if (slot_ == kNoSlot) return;
  if (auto unmapped = kernel_page_table().unmap(base(), kKernelStackSize); unmapped) {
    frames_.reset();
    release_slot(slot_);
  } else {
    // Someone changed our mapping: what still maps the frames or the slot
    // is unknown, so neither is reused (a leak, not a use after free).
    KLOG_ERROR("kernel stack at %p: unmap failed (%s): frames and slot leaked",
               reinterpret_cast<void*>(base()), rebound::to_string(unmapped.error()));
    frames_.release();
  }
  slot_ = kNoSlot;
  lib::count_object(REBOUND_OBJECT_KERNEL_STACK, -1);
}

size_t live_kernel_stacks() {
  return static_cast<size_t>(lib::live_objects(REBOUND_OBJECT_KERNEL_STACK));
}

size_t kernel_stack_frames() { return live_kernel_stacks() << kKernelStackOrder; }

}  // namespace mm
