// The portable kernel, from the first line on the console to the idle loop.
#include "arch/arch.h"
#include "boot/boot_info.h"
#include "core/big_kernel_lock.h"
#include "core/endpoint.h"
#include "core/first_process.h"
#include "core/kernel_options.h"
#include "core/resources.h"
#include "core/scheduler.h"
#include "core/smp.h"
#include "core/tas_boot.h"
#include "core/timer.h"
#include "lib/format.h"
#include "lib/log.h"
#include "mm/kernel_memory.h"
#include "mm/kernel_stack.h"
#include "recovery/catch_unwind.h"
#include "recovery/panic.h"

namespace {

void print_memory_map(const boot::MemoryMap& map) {
  klog::print("memory map:\n");
  for (size_t i = 0; i < map.size(); ++i) {
    const boot::Region& r = map[i];
    klog::print("  [%016lx-%016lx] %8lu KiB %s\n", static_cast<unsigned long>(r.base),
                static_cast<unsigned long>(r.end() - 1), static_cast<unsigned long>(r.size >> 10),
                boot::to_string(r.kind));
  }
  klog::print("  usable RAM: %lu MiB\n",
              static_cast<unsigned long>(map.total(boot::RegionKind::usable) >> 20));
}

// The CPUs the firmware describes (one line at info level), and what is odd
// about the list.
void report_cpus(const boot::CpuList& cpus) {
  char ids[boot::CpuList::kCapacity * 20 + 1] = "";
  size_t used = 0;
  for (size_t i = 0; i < cpus.count && used < sizeof ids; ++i)
    used += lib::format(ids + used, sizeof ids - used, "%s0x%lx", i == 0 ? "" : " ",
                        static_cast<unsigned long>(cpus.entries[i].hardware_id));
  KLOG_INFO("cpus: %zu (ids %s)", cpus.count, ids);
  if (cpus.ignored > 0)
    KLOG_WARN("cpus: the firmware lists %zu CPUs; the kernel supports %zu, the rest are ignored",
              cpus.found(), boot::CpuList::kCapacity);
  if (cpus.duplicates > 0)
    KLOG_WARN("cpus: %zu firmware entries repeat an id (ignored)", cpus.duplicates);
  if (cpus.psci_conduit != boot::PsciConduit::none)
    KLOG_DEBUG("cpus: PSCI through %s, CPU_ON %#x", boot::to_string(cpus.psci_conduit),
               cpus.psci_cpu_on);
  if (cpus.local_apic_address != 0)
    KLOG_DEBUG("cpus: local APIC registers at %#lx",
               static_cast<unsigned long>(cpus.local_apic_address));
}

// The first throw of the kernel, at boot: proves the C++ runtime works before
// anything depends on it, and runs the unwinder's one-time initialisation
// while only one CPU is up.
void check_exceptions() {
  auto r = recovery::catch_unwind([]() -> int { throw 42; });
  if (r.has_value()) recovery::panic("boot: a throw was not caught");
}

struct KernelStart {
  const core::KernelOptions& options;
  const boot::CpuList& cpus;
};

// The rest of the boot CPU's work, on a guarded kernel stack.
[[noreturn]] void run_kernel(void* start_arg) {
  const auto& start = *static_cast<const KernelStart*>(start_arg);
  const core::KernelOptions& options = start.options;
  // From here the boot CPU's work is a thread like any other.
  auto boot_thread = core::Thread::adopt_current("boot");
  if (!boot_thread)
    recovery::panic("boot: no thread object (%s)", rebound::to_string(boot_thread.error()));
  core::Scheduler::init_this_cpu(std::move(*boot_thread));
  core::Endpoint::init();
  if (options.diag) core::print_snapshot(core::take_snapshot());
  // The scheduler's tick: sleepers wake and time slices end on it. Interrupts
  // are taken only in user mode and while idle.
  if (auto tick = arch::timer_start(core::kTickPeriodNs); !tick)
    KLOG_ERROR("boot: no timer tick (%s)", rebound::to_string(tick.error()));
  const unsigned online = core::start_secondary_cpus(start.cpus, options.max_cpus);
  KLOG_INFO("smp: %u CPU%s online", online, online == 1 ? "" : "s");
  const bool tests = core::kernel_tests_built();
  core::start_tas(options, tests);
  if (options.run[0] != '\0') arch::shutdown(core::run_first_process(options.run));
  if (tests && !core::starts_init(options, tests)) arch::shutdown(core::run_kernel_tests(options));
  if (options.halt_after_boot) {
    KLOG_INFO("halt requested on the command line");
    arch::shutdown(arch::kExitOk);
  }
  // The TAS's process server has started /bin/init and powers the machine
  // off when init ends. The boot thread's work is done; the idle thread
  // takes this CPU.
  core::Thread::exit_current(core::ExitStatus::exited(0));
}

const boot::CpuList* g_cpus = nullptr;
const boot::MemoryMap* g_memory = nullptr;

}  // namespace

const boot::CpuList& boot::boot_cpus() { return *g_cpus; }
const boot::MemoryMap& boot::boot_memory_map() { return *g_memory; }

void kernel_main(boot::BootInfo& info) {
  g_cpus = &info.cpus;
  g_memory = &info.memory;
  const uint64_t banner_ns = arch::monotonic_ns();
  // This CPU runs kernel code: it holds the big kernel lock from here on,
  // until it first returns to user mode or waits idle.
  core::bkl::acquire();
  klog::print("\nRebound %s (%s) - a reliable micro-kernel\n", REBOUND_VERSION, arch::kName);
  klog::print("command line: \"%s\"\n", info.cmdline);
  print_memory_map(info.memory);
  core::KernelOptions options = core::parse_options(info.cmdline);
  klog::set_level(options.log_level);
  // Under -icount shift=0 this is the guest instructions from reset to banner.
  KLOG_INFO("boot: banner at %lu ns", static_cast<unsigned long>(banner_ns));
  report_cpus(info.cpus);
  check_exceptions();
  KLOG_INFO("boot: C++ exceptions ready");
  mm::init(info.memory);
  // Interrupt controller and timer, everything masked and the timer stopped
  // (it maps device registers, so after mm::init).
  arch::interrupts_init();

  // Early boot ran on the boot stack, a fixed part of the image. From here
  // on the boot CPU runs on a kernel stack like every later thread: guarded
  // and accounted. This frame, which owns the stack and the options, stays
  // alive on the boot stack: run_kernel never returns.
  auto stack = mm::KernelStack::create();
  if (!stack) recovery::panic("boot: no kernel stack (%s)", rebound::to_string(stack.error()));
  KernelStart start{options, info.cpus};
  arch::run_on_stack(run_kernel, &start, stack->top());
  recovery::panic("boot: the kernel returned");
}
