// CPU faults in kernel code become C++ exceptions at the faulting
// instruction: the faulting function's own destructors run, catch_unwind gets
// a Fault with the right kind and address, and nothing leaks.
#include "arch/fault_injection.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/tracker.h"
#include "recovery/catch_unwind.h"

namespace {

using ktest::Order;
using ktest::Tracker;
using recovery::FaultKind;

constexpr int kRepeats = 1000;

// Hides a pointer's value from the optimiser, so that it emits the access
// instead of reasoning about it.
template <class T>
T* opaque(T* p) {
  asm volatile("" : "+r"(p));
  return p;
}

[[gnu::noinline]] int read_at(uintptr_t address, Order& o) {
  Tracker t(o, 1);
  return *opaque(reinterpret_cast<volatile int*>(address));
}

[[gnu::noinline]] int leaf_read(volatile int* p) { return *opaque(p); }

[[gnu::noinline]] void execute_undefined_instruction() { ARCH_UNDEFINED_INSTRUCTION(); }

[[gnu::noinline]] void undefined_instruction(Order& o) {
  Tracker t(o, 2);
  execute_undefined_instruction();
}

[[gnu::noinline]] int call_and_track(Order& o, int (*f)(volatile int*), volatile int* arg) {
  Tracker t(o, 4);
  return f(arg) + 1;
}

const int kReadOnly = 17;

[[gnu::noinline]] void write_read_only(Order& o) {
  Tracker t(o, 5);
  *opaque(const_cast<volatile int*>(&kReadOnly)) = 1;
}

// Runs `f` kRepeats times; every run must fault with `kind` and the
// faulting frame's Tracker must have run. Counters must not move.
template <class F>
void expect_fault_every_time(FaultKind kind, F f, uintptr_t address, bool check_address) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  int wrong = 0;
  recovery::Fault last;
  for (int i = 0; i < kRepeats; ++i) {
    Order o;
    auto r = recovery::catch_unwind([&] { f(o); });
    const bool ok = !r.has_value() && r.error().kind == kind && o.count == 1 &&
                    (!check_address || r.error().address == address);
    if (!ok) ++wrong;
    if (!r.has_value()) last = r.error();
  }
  KEXPECT_EQ(wrong, 0);
  KEXPECT(last.kind == kind);
  KEXPECT(last.pc != 0);
  KEXPECT(last.backtrace.depth >= 2);
  KEXPECT(last.backtrace.depth > 0 && last.backtrace.pc[0] == last.pc);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

}  // namespace

KTEST(null_pointer_read_is_a_page_fault_with_its_address) {
  expect_fault_every_time(
      FaultKind::page_fault, [](Order& o) { read_at(0, o); }, 0, true);
  expect_fault_every_time(
      FaultKind::page_fault, [](Order& o) { read_at(0x18, o); }, 0x18, true);
}

KTEST(fault_in_a_leaf_function_unwinds_to_its_caller) {
  // A leaf keeps its return address in a register (aarch64 LR): the fault
  // frame must hand it to the unwinder unchanged.
  expect_fault_every_time(
      FaultKind::page_fault, [](Order& o) { call_and_track(o, leaf_read, nullptr); }, 0, true);
}

KTEST(undefined_instruction_becomes_an_exception) {
  expect_fault_every_time(FaultKind::undefined_instruction, undefined_instruction, 0, false);
}

KTEST(write_to_read_only_kernel_data_faults) {
  expect_fault_every_time(FaultKind::page_fault, write_read_only,
                          reinterpret_cast<uintptr_t>(&kReadOnly), true);
  KEXPECT_EQ(kReadOnly, 17);
}

KTEST(executing_kernel_data_faults) {
  // W^X: a writable page is never executable.
  static uint32_t code[4] = {};
  auto r = recovery::catch_unwind([] {
    auto f = reinterpret_cast<void (*)()>(opaque(code));
    f();
  });
  KEXPECT(!r.has_value() && r.error().kind == FaultKind::instruction_fault);
  if (!r.has_value()) KEXPECT_EQ(r.error().address, reinterpret_cast<uintptr_t>(code));
}

KTEST(unmapped_kernel_address_read_faults) {
  // Canonical on x86_64 (else it would be a #GP without an address), in the
  // upper half on both, and mapped by neither.
  const uintptr_t hole = 0xffffc00000000000;
  expect_fault_every_time(
      FaultKind::page_fault, [&](Order& o) { read_at(hole, o); }, hole, true);
}

#ifdef ARCH_HAS_DIVIDE_ERROR
namespace {
[[gnu::noinline]] int divide(int a, int b, Order& o) {
  Tracker t(o, 3);
  // Use the quotient: a division whose result is unused is dead code, and
  // GCC deletes it even though it could trap (-fdelete-dead-exceptions).
  const int q = a / *opaque(&b);
  asm volatile("" ::"r"(q));
  return q;
}
}  // namespace

KTEST(divide_by_zero_becomes_an_exception) {
  expect_fault_every_time(
      FaultKind::divide_error, [](Order& o) { divide(7, 0, o); }, 0, false);
}
#endif

KTEST(fault_path_works_again_after_recovery) {
  // The same code path, fault-free, after all the faults above.
  Order o;
  static int value = 11;
  auto r = recovery::catch_unwind([&] { return read_at(reinterpret_cast<uintptr_t>(&value), o); });
  KEXPECT(r.has_value() && *r == 11);
  KEXPECT_EQ(o.count, 1);
}
