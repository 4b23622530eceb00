// aarch64 secondary CPU start (arch/aarch64/cpu_start.cpp, secondary_entry.S):
// PSCI CPU_ON brings the second CPU of the machine up in the kernel, on its
// own stack and CPU-local block, with its redistributor found by its MPIDR,
// and an IPI from this CPU reaches it. The CPU then stays in an idle loop
// (taking IPIs) for the rest of the run. Firmware refusals become errors.
// With one CPU (QEMU's default) the test has nothing to start and passes;
// tests/system runs it with -smp 2 and 8 and the kernel option cpus=1 (the
// kernel leaves the other CPUs off). When the kernel started them at boot
// (core/smp.h), only the refusals are checked.
#if defined(__aarch64__)
#include <atomic>
#include <optional>

#include "arch/arch.h"
#include "boot/boot_info.h"
#include "core/big_kernel_lock.h"
#include "core/cpu_local.h"
#include "core/interrupt_entry.h"
#include "core/smp.h"
#include "ktest/ktest.h"
#include "lib/log.h"
#include "mm/kernel_stack.h"
#include "recovery/backtrace.h"
#include "recovery/catch_unwind.h"
#include "recovery/recovery_state.h"

extern "C" char aarch64_secondary_entry[];

namespace {

constexpr uint64_t kMpidrAffinity = 0xff00ffffff;  // Aff3, Aff2.Aff1.Aff0
constexpr unsigned kSecondaryId = 1;               // its CpuLocal::id
constexpr uint64_t kWaitNs = 2'000'000'000;

uint64_t this_cpu_affinity() {
  uint64_t mpidr;
  asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
  return mpidr & kMpidrAffinity;
}

// Everything the started CPU uses. It keeps using it after the test, so it
// all lives as long as the kernel.
struct Secondary {
  core::CpuLocal cpu{};
  recovery::RecoveryState recovery{};
  std::optional<mm::KernelStack> stack, overflow_stack;
  std::atomic<bool> up{false};
  std::atomic<uint64_t> affinity{0};
  std::atomic<uint64_t> interrupts_enabled_at_entry{~uint64_t{0}};
  std::atomic<uint64_t> reschedules{0};  // reschedule IPIs it took
  // A kernel fault there, caught there; a backtrace taken there.
  recovery::Fault fault{};
  bool fault_caught = false;
  recovery::Backtrace backtrace{};
};
Secondary g_secondary;

[[noreturn]] void secondary_main(void* arg) {
  Secondary& s = *static_cast<Secondary*>(arg);
  s.interrupts_enabled_at_entry.store(arch::interrupts_enabled() ? 1 : 0);
  arch::set_cpu_local(&s.cpu);
  arch::init_this_cpu();
  arch::interrupts_init_this_cpu();
  s.affinity.store(this_cpu_affinity());
  // Its trap vectors, recovery state and the unwinder work: a null read
  // becomes an exception caught here. A backtrace ends at the entry code.
  auto r = recovery::catch_unwind([] {
    volatile int* p = reinterpret_cast<volatile int*>(0x28);
    asm volatile("" : "+r"(p));
    return *p;
  });
  if (!r) s.fault = r.error(), s.fault_caught = true;
  recovery::capture_backtrace(s.backtrace, 0);
  s.up.store(true, std::memory_order_release);
  // Idle: take every interrupt that comes, report the IPIs.
  for (;;) {
    arch::wait_for_interrupt();
    const core::InterruptStats stats = core::interrupt_stats();
    s.reschedules.store(stats.taken[static_cast<unsigned>(core::InterruptSource::reschedule)],
                        std::memory_order_release);
  }
}

void park_forever(void*) {
  for (;;) asm volatile("wfi");
}

// Waits without the big kernel lock: the started CPU's interrupt handlers
// take it.
template <class Done>
bool wait_until(Done done) {
  const uint64_t deadline = arch::monotonic_ns() + kWaitNs;
  core::bkl::release();
  bool ok = true;
  while (!done()) {
    if (arch::monotonic_ns() > deadline) {
      ok = false;
      break;
    }
  }
  core::bkl::acquire();
  return ok;
}

// Refusals: the CPU is on, so is this one; no CPU has these ids.
void check_refusals(uint64_t target, uintptr_t spare_top) {
  auto again = arch::start_cpu(target, spare_top, park_forever, nullptr);
  KEXPECT(!again && again.error() == Error::already_exists);
  auto self = arch::start_cpu(this_cpu_affinity(), spare_top, park_forever, nullptr);
  KEXPECT(!self && self.error() == Error::already_exists);
  auto bogus = arch::start_cpu(0xfe, spare_top, park_forever, nullptr);  // Aff0 = 254
  KEXPECT(!bogus && bogus.error() == Error::not_found);
  auto not_affinity = arch::start_cpu(uint64_t{1} << 24, spare_top, park_forever, nullptr);
  KEXPECT(!not_affinity && not_affinity.error() == Error::not_found);
  auto misaligned = arch::start_cpu(target, spare_top - 8, park_forever, nullptr);
  KEXPECT(!misaligned && misaligned.error() == Error::invalid_argument);
  // More refusals than blocks: each refusal gives its block back.
  for (unsigned i = 0; i < 2 * arch::kMaxCpus; ++i) {
    auto r = arch::start_cpu(target, spare_top, park_forever, nullptr);
    KEXPECT(!r && r.error() == Error::already_exists);
  }
}

// The first CPU of the list that is not this one, or nullptr.
const boot::CpuEntry* other_cpu() {
  const boot::CpuList& cpus = boot::boot_cpus();
  for (size_t i = 0; i < cpus.count; ++i)
    if (cpus.entries[i].hardware_id != this_cpu_affinity()) return &cpus.entries[i];
  return nullptr;
}

}  // namespace

KTEST(aarch64_psci_cpu_on_starts_a_cpu_that_takes_ipis_and_refusals_are_errors) {
  const boot::CpuEntry* target = other_cpu();
  if (target == nullptr) {
    klog::print("    one CPU: nothing to start\n");
    return;
  }
  if (core::cpus_online() >= 2) {
    klog::print("    the kernel started the other CPUs at boot: refusals only\n");
    auto spare = mm::KernelStack::create();  // never used: the starts fail
    KEXPECT(spare.has_value());
    if (spare) check_refusals(target->hardware_id, spare->top());
    return;
  }
  Secondary& s = g_secondary;
  if (s.up.load()) {
    klog::print("    the second CPU is already up (test run twice)\n");
    return;
  }
  KEXPECT(target->start == boot::CpuStartMethod::psci);

  auto stack = mm::KernelStack::create();
  auto overflow_stack = mm::KernelStack::create();
  KEXPECT(stack.has_value() && overflow_stack.has_value());
  if (!stack || !overflow_stack) return;
  s.stack.emplace(std::move(*stack));
  s.overflow_stack.emplace(std::move(*overflow_stack));
  s.cpu.self = &s.cpu;
  s.cpu.id = kSecondaryId;
  s.cpu.recovery = &s.recovery;
  s.cpu.overflow_stack_top = s.overflow_stack->top();

  auto started = arch::start_cpu(target->hardware_id, s.stack->top(), secondary_main, &s);
  KEXPECT(started.has_value());
  if (!started) {
    klog::print("    start_cpu: %s\n", rebound::to_string(started.error()));
    return;
  }
  KEXPECT(wait_until([&] { return s.up.load(std::memory_order_acquire); }));
  if (!s.up.load()) return;
  KEXPECT_EQ(s.affinity.load(), target->hardware_id);
  KEXPECT_EQ(s.interrupts_enabled_at_entry.load(), 0u);
  KEXPECT(s.fault_caught && s.fault.kind == recovery::FaultKind::page_fault);
  KEXPECT_EQ(s.fault.address, 0x28u);
  // secondary_main, then the entry code (outermost): nothing beyond it.
  const auto entry = reinterpret_cast<uintptr_t>(aarch64_secondary_entry);
  KEXPECT_EQ(s.backtrace.depth, 2u);
  const uintptr_t last = s.backtrace.pc[s.backtrace.depth - 1];
  KEXPECT(last > entry && last < entry + 0x200);

  // An IPI from here reaches it (its redistributor, its MPIDR in SGI1R).
  KEXPECT(arch::send_ipi(kSecondaryId, arch::Ipi::reschedule).has_value());
  KEXPECT(wait_until([&] { return s.reschedules.load(std::memory_order_acquire) >= 1; }));
  KEXPECT(arch::send_ipi(kSecondaryId, arch::Ipi::reschedule).has_value());
  KEXPECT(wait_until([&] { return s.reschedules.load(std::memory_order_acquire) >= 2; }));

  check_refusals(target->hardware_id, s.overflow_stack->top());  // never used: the starts fail

  // The started CPU still takes IPIs after all that.
  KEXPECT(arch::send_ipi(kSecondaryId, arch::Ipi::reschedule).has_value());
  KEXPECT(wait_until([&] { return s.reschedules.load(std::memory_order_acquire) >= 3; }));
}

#endif  // __aarch64__
