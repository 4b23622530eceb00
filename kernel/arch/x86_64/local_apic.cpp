#include "arch/x86_64/local_apic.h"

#include <atomic>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupt_vectors.h"
#include "core/cpu_local.h"
#include "lib/log.h"
#include "mm/device_memory.h"
#include "recovery/panic.h"

namespace arch::x86_64::lapic {
namespace {

// Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + offset / 16.
constexpr uint32_t kId = 0x020, kTpr = 0x080, kEoi = 0x0b0, kSvr = 0x0f0, kEsr = 0x280,
                   kIcrLow = 0x300, kIcrHigh = 0x310, kLvtTimer = 0x320, kLvtThermal = 0x330,
                   kLvtPerf = 0x340, kLvtLint0 = 0x350, kLvtLint1 = 0x360, kLvtError = 0x370,
                   kTimerInitial = 0x380, kTimerCurrent = 0x390, kTimerDivide = 0x3e0;
constexpr uint32_t kX2apicMsrBase = 0x800;

constexpr uint32_t kMsrApicBase = 0x1b;
constexpr uint64_t kApicBaseEnable = 1 << 11, kApicBaseX2apic = 1 << 10,
                   kApicBaseAddress = 0x000ffffffffff000;
constexpr uint32_t kCpuidX2apic = 1u << 21;  // CPUID.1:ECX

constexpr uint32_t kSvrEnable = 1 << 8;
constexpr uint32_t kLvtMasked = 1 << 16, kLvtPeriodic = 1 << 17;
constexpr uint32_t kIcrDeliveryInit = 5 << 8, kIcrDeliveryStartup = 6 << 8,
                   kIcrDeliveryPending = 1 << 12, kIcrAssert = 1 << 14,
                   kIcrLevelTriggered = 1 << 15;
// Divide by 16: at QEMU's 1 GHz APIC clock a 32-bit count lasts 68 s, far
// beyond kMaxTimerPeriodNs, with 16 ns resolution.
constexpr uint32_t kDivideBy16 = 0x3;
constexpr uint64_t kCalibrationNs = 10'000'000;
// An ICR that stays busy this long means a broken APIC.
constexpr unsigned kMaxPolls = 1u << 20;

bool g_x2apic = false;
uintptr_t g_xapic = 0;    // the mapped registers (xAPIC mode)
uint64_t g_timer_hz = 0;  // timer counts per second at kDivideBy16; 0: not calibrated

struct PerCpu {
  uint32_t apic_id = 0;
  uint32_t timer_count = 0;  // the running period in counts; 0 while stopped
  uint64_t period_ns = 0;
  uint64_t last_tick_done_ns = 0;  // when the last tick's handler returned
  std::atomic<bool> ready{false};
};
PerCpu g_cpus[kMaxCpus];
std::atomic<uint32_t> g_ready_mask{0};  // CPUs whose `ready` is set, as bits

PerCpu& this_cpu_state() { return g_cpus[core::this_cpu().id]; }

uint32_t read(uint32_t reg) {
  if (g_x2apic) return static_cast<uint32_t>(rdmsr(kX2apicMsrBase + reg / 16));
  return *reinterpret_cast<volatile uint32_t*>(g_xapic + reg);
}

void write(uint32_t reg, uint32_t value) {
  if (g_x2apic) {
    wrmsr(kX2apicMsrBase + reg / 16, value);
    return;
  }
  *reinterpret_cast<volatile uint32_t*>(g_xapic + reg) = value;
}

// Counts the timer makes in kCalibrationNs of the TSC clock (itself
// calibrated against the PIT at boot), one-shot and masked.
uint64_t calibrate_timer() {
  write(kTimerDivide, kDivideBy16);
  write(kLvtTimer, kLvtMasked | kTimerVector);
  write(kTimerInitial, ~0u);
  const uint64_t start = monotonic_ns();
  uint64_t end = start;
  while (end - start < kCalibrationNs) end = monotonic_ns();
  const uint32_t left = read(kTimerCurrent);
  write(kTimerInitial, 0);  // stops it
  const uint64_t counts = ~0u - left;
  return static_cast<uint64_t>(static_cast<unsigned __int128>(counts) * 1'000'000'000 /
                               (end - start));
}

// xAPIC: waits until the ICR has sent the last command (x2APIC has no
// delivery status: its ICR write returns once the command is on its way).
void wait_until_sent() {
  if (g_x2apic) return;
  for (unsigned i = 0; (read(kIcrLow) & kIcrDeliveryPending) != 0; ++i) {
    if (i == kMaxPolls) recovery::panic("local APIC: the ICR stays busy");
  }
}

// Sends the interrupt command `low` (ICR bits 0-19) to the local APIC
// `apic_id`, physical destination mode.
void send_command(uint32_t apic_id, uint32_t low) {
  if (g_x2apic) {
    // One 64-bit MSR write sends it; WRMSR to the x2APIC is not
    // serializing, so order the sender's memory writes first.
    asm volatile("mfence" ::: "memory");
    wrmsr(kX2apicMsrBase + kIcrLow / 16, uint64_t{apic_id} << 32 | low);
    return;
  }
  wait_until_sent();
  write(kIcrHigh, apic_id << 24);
  write(kIcrLow, low);  // this write sends it
}

}  // namespace

void init() {
  g_x2apic = (cpuid(1).ecx & kCpuidX2apic) != 0;
  if (!g_x2apic) {
    const uint64_t phys = rdmsr(kMsrApicBase) & kApicBaseAddress;
    auto va = mm::map_device(phys, 4096);
    if (!va)
      recovery::panic("local APIC: cannot map its registers (%s)", rebound::to_string(va.error()));
    g_xapic = *va;
  }
  init_this_cpu();
  g_timer_hz = calibrate_timer();
  if (g_timer_hz == 0) KLOG_WARN("local APIC: the timer did not count: no tick");
  KLOG_INFO("local APIC: %s, timer %lu kHz (divided by 16)", g_x2apic ? "x2APIC" : "xAPIC",
            static_cast<unsigned long>(g_timer_hz / 1000));
}

void init_this_cpu() {
  // Enabled in the MSR first: x2APIC mode can only be entered from xAPIC.
  uint64_t base = rdmsr(kMsrApicBase) | kApicBaseEnable;
  wrmsr(kMsrApicBase, base);
  if (g_x2apic) wrmsr(kMsrApicBase, base | kApicBaseX2apic);

  PerCpu& cpu = this_cpu_state();
  const uint32_t id = read(kId);
  cpu.apic_id = g_x2apic ? id : id >> 24;
  // The PICs reach the CPU through LINT0 and NMIs through LINT1; neither is
  // used (the PICs are masked too). Timer, error, thermal and performance
  // counter interrupts stay off until something wants them.
  for (uint32_t lvt : {kLvtTimer, kLvtThermal, kLvtPerf, kLvtLint0, kLvtLint1, kLvtError})
    write(lvt, kLvtMasked);
  write(kTimerInitial, 0);
  write(kEsr, 0);  // the error status register updates on a write
  write(kEsr, 0);
  write(kTpr, 0);  // accept every priority class
  write(kSvr, kSvrEnable | kSpuriousVector);
  // An interrupt accepted before the APIC was reset would wait for an EOI.
  write(kEoi, 0);
  cpu.timer_count = 0;
  cpu.ready.store(true, std::memory_order_release);
  g_ready_mask.fetch_or(1u << core::this_cpu().id, std::memory_order_release);
}

uint32_t ready_mask() { return g_ready_mask.load(std::memory_order_acquire); }
bool this_cpu_ready() { return this_cpu_state().ready.load(std::memory_order_relaxed); }
bool x2apic() { return g_x2apic; }

void end_of_interrupt() { write(kEoi, 0); }

Result<void> timer_start(uint64_t period_ns) {
  if (g_timer_hz == 0) return fail(Error::not_supported);
  const auto count =
      static_cast<uint64_t>(static_cast<unsigned __int128>(period_ns) * g_timer_hz / 1'000'000'000);
  if (count == 0 || count > ~0u) return fail(Error::out_of_range);
  PerCpu& cpu = this_cpu_state();
  cpu.timer_count = static_cast<uint32_t>(count);
  cpu.period_ns = period_ns;
  cpu.last_tick_done_ns = monotonic_ns() - period_ns;  // the first tick is due
  write(kTimerDivide, kDivideBy16);
  write(kLvtTimer, kLvtPeriodic | kTimerVector);
  write(kTimerInitial, cpu.timer_count);  // starts counting down
  return {};
}

void timer_stop() {
  write(kLvtTimer, kLvtMasked | kTimerVector);
  write(kTimerInitial, 0);
  this_cpu_state().timer_count = 0;
}

bool timer_running() { return this_cpu_state().timer_count != 0; }
uint64_t timer_period_ns() { return timer_running() ? this_cpu_state().period_ns : 0; }

bool timer_tick_due() {
  const PerCpu& cpu = this_cpu_state();
  return monotonic_ns() - cpu.last_tick_done_ns >= cpu.period_ns / 4;
}

void timer_tick_done() { this_cpu_state().last_tick_done_ns = monotonic_ns(); }

Result<void> send_ipi(unsigned cpu, uint8_t vector) {
  if (cpu >= kMaxCpus) return fail(Error::out_of_range);
  const PerCpu& target = g_cpus[cpu];
  if (!target.ready.load(std::memory_order_acquire)) return fail(Error::not_found);
  // Fixed delivery, physical destination, edge.
  send_command(target.apic_id, kIcrAssert | vector);
  return {};
}

uint32_t this_cpu_apic_id() { return this_cpu_state().apic_id; }
uint32_t apic_id_of(unsigned cpu) { return cpu < kMaxCpus ? g_cpus[cpu].apic_id : 0; }

bool addressable(uint64_t apic_id) {
  // The all-ones destination is a broadcast in physical mode.
  return g_x2apic ? apic_id < 0xffffffff : apic_id < 0xff;
}

void send_init(uint32_t apic_id) {
  // Level-triggered INIT, asserted. The de-assert that follows is what the
  // MP specification's older APICs need; x2APIC mode does not have it.
  send_command(apic_id, kIcrDeliveryInit | kIcrLevelTriggered | kIcrAssert);
  if (!g_x2apic) {
    wait_until_sent();
    send_command(apic_id, kIcrDeliveryInit | kIcrLevelTriggered);
  }
  wait_until_sent();
}

void send_startup(uint32_t apic_id, uint8_t page) {
  send_command(apic_id, kIcrDeliveryStartup | kIcrAssert | page);
  wait_until_sent();
}

}  // namespace arch::x86_64::lapic
