// Kernel stacks: guard pages turn an overflow into a fault, stacks come and
// go without a leak, the boot CPU runs on one, and exceptions, faults and
// backtraces cross a stack switch.
#include <optional>

#include "arch/arch.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/stack_use.h"
#include "ktest/tracker.h"
#include "mm/frame_allocator.h"
#include "mm/kernel_memory.h"
#include "mm/kernel_stack.h"
#include "recovery/backtrace.h"
#include "recovery/catch_unwind.h"
#include "recovery/eh_frame_hdr.h"

extern "C" const uint8_t __eh_frame_hdr_start[];

namespace ktest {

[[gnu::noinline]] uint64_t recurse_until(uintptr_t floor, uintptr_t* lowest) {
  volatile unsigned char frame[kRecursionFrame];
  frame[0] = 1;
  const auto here = reinterpret_cast<uintptr_t>(&frame[0]);
  if (lowest != nullptr) *lowest = here;
  if (here < floor) return frame[0];
  // Not a tail call: the frame is read after the call returns.
  return recurse_until(floor, lowest) + frame[0];
}

}  // namespace ktest

namespace {

using ktest::Order;
using ktest::Tracker;
using recovery::FaultKind;

template <class T>
T opaque(T v) {
  asm volatile("" : "+r"(v));
  return v;
}

[[gnu::noinline]] uint8_t read_byte(uintptr_t address) {
  return *opaque(reinterpret_cast<volatile uint8_t*>(address));
}

[[gnu::noinline]] void write_byte(uintptr_t address, uint8_t value) {
  *opaque(reinterpret_cast<volatile uint8_t*>(address)) = value;
}

// An address in the caller's frame: where its stack pointer is.
[[gnu::always_inline]] inline uintptr_t stack_pointer() {
  volatile int here = 0;
  return reinterpret_cast<uintptr_t>(&here);
}

// The index of the first frame of a backtrace in the function starting at
// `function`, or -1.
int frame_in(const recovery::Backtrace& bt, uintptr_t function) {
  for (unsigned i = 0; i < bt.depth; ++i) {
    recovery::FdeMatch m;
    if (recovery::find_fde(__eh_frame_hdr_start, bt.pc[i], m) && m.function_start == function)
      return static_cast<int>(i);
  }
  return -1;
}

std::optional<mm::KernelStack> new_stack() {
  auto s = mm::KernelStack::create();
  KEXPECT(s.has_value());
  if (!s) return std::nullopt;
  return std::move(*s);
}

}  // namespace

KTEST(guard_page_access_is_a_stack_overflow_fault) {
  auto stack = new_stack();
  if (!stack) return;
  // Just below the stack, the middle of the guard, and the slot's first byte.
  const uintptr_t targets[] = {stack->base() - 1, stack->base() - mm::kKernelStackGuardSize / 2,
                               stack->guard_base()};
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (uintptr_t a : targets) {
    for (bool write : {false, true}) {
      Order o;
      auto r = recovery::catch_unwind([&] {
        Tracker t(o, 1);
        write ? write_byte(a, 1) : static_cast<void>(read_byte(a));
      });
      KEXPECT(!r.has_value());
      if (r.has_value()) continue;
      KEXPECT(r.error().kind == FaultKind::stack_overflow);
      KEXPECT_EQ(r.error().address, a);
      KEXPECT(ktest::contains(r.error().message, "stack guard"));
      KEXPECT_EQ(o.count, 1);
    }
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(kernel_stack_is_mapped_between_two_guards) {
  auto stack = new_stack();
  if (!stack) return;
  KEXPECT_EQ(stack->top() - stack->base(), mm::kKernelStackSize);
  KEXPECT_EQ(stack->base() - stack->guard_base(), mm::kKernelStackGuardSize);
  KEXPECT_EQ(stack->top() % 16, 0u);
  KEXPECT(mm::is_stack_guard(stack->guard_base()));
  KEXPECT(mm::is_stack_guard(stack->base() - 1));
  KEXPECT(!mm::is_stack_guard(stack->base()));
  KEXPECT(!mm::is_stack_guard(stack->top() - 1));
  KEXPECT(mm::is_stack_guard(stack->top()));  // the next slot's guard
  KEXPECT(mm::is_kernel_stack(stack->base()) && mm::is_kernel_stack(stack->top() - 1));
  KEXPECT(!mm::is_stack_guard(mm::kStacksBase - 1));
  KEXPECT(!mm::is_stack_guard(mm::kStacksBase + mm::kStacksSize));
  // Every page of the stack is there and writable.
  for (uintptr_t a = stack->base(); a < stack->top(); a += mm::kPageSize) {
    write_byte(a, 0x5a);
    KEXPECT_EQ(read_byte(a), 0x5a);
  }
  auto m = mm::kernel_page_table().query(stack->base());
  KEXPECT(m.has_value() && m->perms == (mm::perm::read | mm::perm::write));
  KEXPECT(!mm::kernel_page_table().query(stack->base() - 1).has_value());
}

KTEST(dead_kernel_stack_is_unmapped_not_an_overflow) {
  uintptr_t base = 0;
  {
    auto stack = new_stack();
    if (!stack) return;
    base = stack->base();
  }
  KEXPECT(!mm::kernel_page_table().query(base).has_value());
  auto r = recovery::catch_unwind([&] { return read_byte(base); });
  KEXPECT(!r.has_value() && r.error().kind == FaultKind::page_fault);
  if (!r.has_value()) KEXPECT_EQ(r.error().address, base);
}

KTEST(thousand_kernel_stacks_leak_nothing) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  const uint64_t frames_before = mm::frames().stats().used_frames;
  const size_t tables_before = mm::page_table_frames();
  const size_t live_before = mm::live_kernel_stacks();
  const size_t stack_frames_before = mm::kernel_stack_frames();
  {
    // Eight alive at a time: each new one replaces (move-assigns over) the
    // oldest, so creation and destruction interleave across slots.
    std::optional<mm::KernelStack> ring[8];
    int failures = 0, wrong_counts = 0;
    for (int i = 0; i < 1000; ++i) {
      auto s = mm::KernelStack::create();
      if (!s) {
        ++failures;
        continue;
      }
      write_byte(s->top() - 1, 1);
      write_byte(s->base(), 1);
      std::optional<mm::KernelStack>& slot = ring[i % 8];
      if (slot) {
        *slot = std::move(*s);
      } else {
        slot.emplace(std::move(*s));
      }
      const size_t alive = static_cast<size_t>(i < 8 ? i + 1 : 8);
      if (mm::live_kernel_stacks() != live_before + alive ||
          mm::kernel_stack_frames() != stack_frames_before + alive * 4)
        ++wrong_counts;
    }
    KEXPECT_EQ(failures, 0);
    KEXPECT_EQ(wrong_counts, 0);
  }
  KEXPECT_EQ(mm::frames().stats().used_frames, frames_before);
  KEXPECT_EQ(mm::page_table_frames(), tables_before);
  KEXPECT_EQ(mm::live_kernel_stacks(), live_before);
  KEXPECT_EQ(mm::kernel_stack_frames(), stack_frames_before);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(kernel_stack_creation_fails_cleanly_without_frames) {
  mm::FrameAllocator& fa = mm::frames();
  const ktest::Snapshot before = ktest::Snapshot::take();
  // Take every frame, chained through their own memory.
  mm::PhysAddr head = 0;
  for (;;) {
    auto r = fa.allocate(0);
    if (!r) break;
    *reinterpret_cast<mm::PhysAddr*>(arch::phys_to_virt(*r)) = head;
    head = *r;
  }
  const size_t live = mm::live_kernel_stacks();
  auto s = mm::KernelStack::create();
  KEXPECT(!s.has_value() && s.error() == Error::no_memory);
  KEXPECT_EQ(mm::live_kernel_stacks(), live);
  while (head != 0) {
    const mm::PhysAddr next = *reinterpret_cast<mm::PhysAddr*>(arch::phys_to_virt(head));
    fa.free(head, 0);
    head = next;
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
  KEXPECT(mm::KernelStack::create().has_value());  // and it works again
}

KTEST(boot_cpu_runs_on_a_kernel_stack) {
  KEXPECT(mm::is_kernel_stack(stack_pointer()));
  KEXPECT(mm::live_kernel_stacks() >= 1);
  // kernel_main switched stacks: a backtrace continues past the switch into
  // its frame on the boot stack (and on to arch_boot).
  recovery::Backtrace bt;
  recovery::capture_backtrace(bt, 0);
  const int at = frame_in(bt, reinterpret_cast<uintptr_t>(&arch_run_on_stack));
  KEXPECT(at >= 0 && at + 2 < bt.depth);
}

namespace {

struct Probe {
  uintptr_t floor;
  uintptr_t lowest;
  uint64_t depth;
};

void recurse_to_floor(void* arg) {
  auto& p = *static_cast<Probe*>(arg);
  p.depth = ktest::recurse_until(p.floor, &p.lowest);
}

}  // namespace

KTEST(deep_recursion_that_fits_a_kernel_stack_works) {
  auto stack = new_stack();
  if (!stack) return;
  // Down to the last KiB: all but 1 KiB of the stack in use.
  Probe p{stack->base() + 1024, 0, 0};
  arch::run_on_stack(recurse_to_floor, &p, stack->top());
  KEXPECT(p.lowest >= stack->base() && p.lowest < stack->base() + 1024);
  KEXPECT(p.depth >= (mm::kKernelStackSize - 1024) / (2 * ktest::kRecursionFrame));
}

namespace {

struct SwitchedCall {
  Order* order;
  bool fault;
};

void throw_or_fault(void* arg) {
  auto& call = *static_cast<SwitchedCall*>(arg);
  Tracker t(*call.order, 2);  // on the other stack
  if (call.fault) read_byte(opaque(uintptr_t{0}));
  if (!call.fault) throw 7;
}

[[gnu::noinline]] void call_on_stack(const mm::KernelStack& stack, SwitchedCall& call) {
  Tracker t(*call.order, 1);  // on this stack
  arch::run_on_stack(throw_or_fault, &call, stack.top());
}

}  // namespace

KTEST(throws_faults_and_backtraces_cross_a_stack_switch) {
  auto stack = new_stack();
  if (!stack) return;
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (bool fault : {false, true}) {
    Order o;
    SwitchedCall call{&o, fault};
    auto r = recovery::catch_unwind([&] { call_on_stack(*stack, call); });
    KEXPECT(!r.has_value());
    if (r.has_value()) continue;
    KEXPECT(r.error().kind == (fault ? FaultKind::page_fault : FaultKind::cpp_exception));
    KEXPECT(o.equals({2, 1}));  // destructors on both stacks, innermost first
    KEXPECT(frame_in(r.error().backtrace, reinterpret_cast<uintptr_t>(&call_on_stack)) > 0);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
