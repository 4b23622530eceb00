// Kernel stacks with guard pages. Every stack lives in its own 64 KiB slot of
// the stacks region (virtual_layout.h): the top 16 KiB are the stack, mapped
// to frames of their own; the 48 KiB below stay unmapped, so running off the
// end of a stack faults in a guard page instead of overwriting its neighbour.
//
//   slot:  [ guard: 48 KiB, never mapped ][ stack: 16 KiB ]
//          ^ slot base                   ^ base()         ^ top() (next slot)
//
// The geometry is also a contract with the aarch64 exception vectors: a stack
// pointer inside any stack has bits 14 and 15 set, one in a guard does not,
// which the vectors test without a free register (arch/aarch64/vectors.S).
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "mm/frame_allocator.h"
#include "mm/virtual_layout.h"

namespace mm {

constexpr size_t kKernelStackSize = size_t{16} << 10;
constexpr size_t kKernelStackSlotSize = size_t{64} << 10;
constexpr size_t kKernelStackGuardSize = kKernelStackSlotSize - kKernelStackSize;
constexpr unsigned kKernelStackOrder = 2;  // its frames: one run of 2^2
// Slots handed out: the first 1 GiB of the 16 GiB region (a 2 KiB bitmap).
// The region has room for 16 times more if threads ever need them.
constexpr size_t kMaxKernelStacks = size_t{16} << 10;

static_assert(kPageSize << kKernelStackOrder == kKernelStackSize);
static_assert(kStacksBase % kKernelStackSlotSize == 0);
static_assert(kMaxKernelStacks * kKernelStackSlotSize <= kStacksSize);

// A kernel stack in its slot, with its guard below it. Move-only; dropping it
// unmaps the stack and frees its frames and its slot.
class KernelStack {
 public:
  // Error::no_memory when out of frames, page-table frames or slots; nothing
  // taken is kept on failure.
  static Result<KernelStack> create();

  KernelStack(KernelStack&& o) noexcept;
  KernelStack& operator=(KernelStack&& o) noexcept;
  KernelStack(const KernelStack&) = delete;
  KernelStack& operator=(const KernelStack&) = delete;
  ~KernelStack() { reset(); }

  uintptr_t base() const { return guard_base() + kKernelStackGuardSize; }  // lowest byte
  uintptr_t top() const { return guard_base() + kKernelStackSlotSize; }    // initial SP
  // The guard: [guard_base(), base()).
  uintptr_t guard_base() const { return slot_address(slot_); }

 private:
  static constexpr size_t kNoSlot = ~size_t{0};
  static uintptr_t slot_address(size_t slot) { return kStacksBase + slot * kKernelStackSlotSize; }

  KernelStack(size_t slot, FrameRun frames);
  void reset();

  size_t slot_ = kNoSlot;
  FrameRun frames_;
};

// True for an address in the guard part of any slot of the stacks region,
// whether a stack lives there or not: an access there is a stack overflow
// (the trap decoders report it as FaultKind::stack_overflow).
constexpr bool is_stack_guard(uintptr_t addr) {
  const uintptr_t offset = addr - kStacksBase;  // wraps for addresses below
  return offset < kStacksSize && offset % kKernelStackSlotSize < kKernelStackGuardSize;
}

// True for an address inside a stack (not its guard) of the stacks region.
constexpr bool is_kernel_stack(uintptr_t addr) {
  return addr - kStacksBase < kStacksSize && !is_stack_guard(addr);
}

// For leak accounting: live stacks and the frames they hold.
size_t live_kernel_stacks();
size_t kernel_stack_frames();

}  // namespace mm
