// The C++ runtime of the kernel: global constructors, RTTI, where exception
// state lives, and what a throw must not touch.
#include <cstdint>
#include <exception>
#include <typeinfo>

#include "arch/arch.h"
#include "arch/fault_injection.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "recovery/catch_unwind.h"

extern "C" void* __cxa_get_globals() noexcept;

namespace {

struct ConstructedAtBoot {
  int value;
  ConstructedAtBoot() : value(0x5eed) { asm volatile("" ::: "memory"); }
};
ConstructedAtBoot g_constructed;  // dynamic initialisation: needs .init_array

struct Shape {
  virtual ~Shape() = default;
  virtual int sides() const = 0;
};
struct Square : Shape {
  int sides() const override { return 4; }
};
struct Triangle : Shape {
  int sides() const override { return 3; }
};

[[gnu::noinline]] Shape* make(bool square) {
  static Square s;
  static Triangle t;
  return square ? static_cast<Shape*>(&s) : &t;
}

}  // namespace

KTEST(global_constructors_ran_at_boot) { KEXPECT_EQ(g_constructed.value, 0x5eed); }

KTEST(rtti_typeid_and_dynamic_cast) {
  Shape* s = make(true);
  KEXPECT(typeid(*s) == typeid(Square));
  KEXPECT(dynamic_cast<Square*>(s) != nullptr);
  KEXPECT(dynamic_cast<Triangle*>(s) == nullptr);
  KEXPECT_EQ(make(false)->sides(), 3);
}

KTEST(exception_globals_live_in_the_kernel_recovery_state) {
  auto* globals = static_cast<unsigned char*>(__cxa_get_globals());
  auto* state = &recovery::current_state();
  KEXPECT(globals == state->eh_globals);
}

KTEST(throw_and_fault_leave_the_user_tls_register_alone) {
  const uint64_t saved = arch::user_tls();
  const uint64_t canary = 0x0123456789abcdefull & ~uint64_t{0xf};
  arch::set_user_tls(canary);
  auto r = recovery::catch_unwind([] { throw 1; });
  auto f = recovery::catch_unwind([] {
    volatile int* p = nullptr;
    asm volatile("" : "+r"(p));
    return *p;
  });
  const uint64_t after = arch::user_tls();
  arch::set_user_tls(saved);
  KEXPECT(!r.has_value() && !f.has_value());
  KEXPECT_EQ(after, canary);
}

#ifdef ARCH_HAS_ALIGNMENT_FAULT
namespace {
[[gnu::noinline]] uint64_t misaligned_load(const void* p) { return ARCH_MISALIGNED_ACCESS(p); }
}  // namespace

KTEST(misaligned_access_is_an_alignment_fault) {
  alignas(16) static uint64_t words[2] = {};
  const auto* p = reinterpret_cast<const unsigned char*>(words) + 3;
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (int i = 0; i < 100; ++i) {
    auto r = recovery::catch_unwind([&] { return misaligned_load(p); });
    KEXPECT(!r.has_value() && r.error().kind == recovery::FaultKind::alignment);
    if (!r.has_value()) KEXPECT_EQ(r.error().address, reinterpret_cast<uintptr_t>(p));
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
#endif
