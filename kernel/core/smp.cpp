#include "core/smp.h"

#include <atomic>
#include <optional>

#include "arch/arch.h"
#include "core/big_kernel_lock.h"
#include "core/cpu_local.h"
#include "core/scheduler.h"
#include "core/timer.h"
#include "lib/log.h"
#include "mm/kernel_stack.h"
#include "recovery/panic.h"

namespace core {
namespace {

constexpr uint64_t kReportInNs = 1'000'000'000;

// What a started CPU owns. Kept for good: a CPU never stops, and one that
// did not report in in time may still run on it later.
struct SecondaryCpu {
  CpuLocal local;
  recovery::RecoveryState recovery;
  std::optional<mm::KernelStack> stack;
  std::optional<mm::KernelStack> overflow_stack;
  uint64_t hardware_id = 0;
  std::atomic<bool> online{false};
  std::atomic<bool> abandoned{false};  // reported in too late: must not run
};

SecondaryCpu g_cpus[arch::kMaxCpus];  // [0] unused: the boot CPU's is cpu_local.cpp's
std::atomic<unsigned> g_online{1};
unsigned g_wanted = 1;

[[noreturn]] void park() {
  for (;;) arch::wait_for_interrupt();
}

// The first code of a started CPU, on its own stack, interrupts masked.
[[noreturn]] void secondary_main(void* arg) {
  auto& cpu = *static_cast<SecondaryCpu*>(arg);
  arch::set_cpu_local(&cpu.local);
  arch::init_this_cpu();
  bkl::acquire();
  if (cpu.abandoned.load(std::memory_order_acquire)) {
    bkl::release();
    park();  // its interrupts were never set up: nothing wakes it
  }
  arch::interrupts_init_this_cpu();
  auto boot = Thread::adopt_current("cpu-boot");
  if (!boot)
    recovery::panic("smp: cpu %u: no thread object (%s)", cpu.local.id,
                    rebound::to_string(boot.error()));
  Scheduler::init_this_cpu(std::move(*boot));
  if (auto tick = arch::timer_start(kTickPeriodNs); !tick)
    KLOG_ERROR("smp: cpu %u: no timer tick (%s)", cpu.local.id, rebound::to_string(tick.error()));
  cpu.online.store(true, std::memory_order_release);
  g_online.fetch_add(1, std::memory_order_relaxed);
  KLOG_INFO("smp: cpu %u (id %#lx) online", cpu.local.id,
            static_cast<unsigned long>(cpu.hardware_id));
  // Its work is done: the idle thread takes over, and so do threads made
  // ready here or stolen by this CPU.
  Thread::exit_current(ExitStatus::exited(0));
}

// Starts one CPU and waits for it to report in, without the big kernel lock
// (the started CPU needs it) but serving TLB shootdowns, as a CPU spinning
// for the lock would.
bool start_one(SecondaryCpu& cpu, unsigned id, const boot::CpuEntry& entry) {
  auto stack = mm::KernelStack::create();
  auto overflow = mm::KernelStack::create();
  if (!stack || !overflow) {
    KLOG_ERROR("smp: cpu %u: no kernel stack", id);
    return false;
  }
  cpu.stack.emplace(std::move(*stack));
  cpu.overflow_stack.emplace(std::move(*overflow));
  cpu.hardware_id = entry.hardware_id;
  cpu.local.self = &cpu.local;
  cpu.local.id = id;
  cpu.local.recovery = &cpu.recovery;
  cpu.local.overflow_stack_top = cpu.overflow_stack->top();
  if (auto started = arch::start_cpu(entry.hardware_id, cpu.stack->top(), secondary_main, &cpu);
      !started) {
    KLOG_ERROR("smp: cpu %u (id %#lx) did not start: %s", id,
               static_cast<unsigned long>(entry.hardware_id), rebound::to_string(started.error()));
    cpu.stack.reset();
    cpu.overflow_stack.reset();
    return false;
  }
  const uint64_t deadline = arch::monotonic_ns() + kReportInNs;
  bkl::release();
  while (!cpu.online.load(std::memory_order_acquire) && arch::monotonic_ns() < deadline)
    arch::serve_tlb_shootdown();
  bkl::acquire();
  if (cpu.online.load(std::memory_order_acquire)) return true;
  cpu.abandoned.store(true, std::memory_order_release);
  KLOG_ERROR("smp: cpu %u (id %#lx) started but did not report in: left out", id,
             static_cast<unsigned long>(entry.hardware_id));
  return false;
}

}  // namespace

unsigned start_secondary_cpus(const boot::CpuList& cpus, unsigned limit) {
  KASSERT(bkl::held_here() && this_cpu().id == 0);
  unsigned next_id = 1;
  for (size_t i = 0; i < cpus.count && next_id < limit && next_id < arch::kMaxCpus; ++i) {
    if (i == cpus.boot) continue;
    const boot::CpuEntry& entry = cpus.entries[i];
    if (entry.start != boot::CpuStartMethod::psci &&
        entry.start != boot::CpuStartMethod::init_sipi) {
      KLOG_WARN("smp: cpu id %#lx: start method %s not supported: left out",
                static_cast<unsigned long>(entry.hardware_id), boot::to_string(entry.start));
      continue;
    }
    ++g_wanted;
    // An id is used up even by a CPU that failed: a late starter keeps its own.
    if (start_one(g_cpus[next_id], next_id, entry) || g_cpus[next_id].stack) ++next_id;
  }
  return cpus_online();
}

unsigned cpus_online() { return g_online.load(std::memory_order_relaxed); }
unsigned cpus_wanted() { return g_wanted; }

}  // namespace core
