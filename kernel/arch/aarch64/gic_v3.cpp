#include "arch/aarch64/gic_v3.h"

#include <atomic>

#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "core/cpu_local.h"
#include "lib/log.h"
#include "mm/device_memory.h"
#include "recovery/panic.h"

namespace arch::aarch64::gic {
namespace {

// Distributor registers.
constexpr uintptr_t kGicdCtlr = 0x0000, kGicdTyper = 0x0004, kGicdIgroupr = 0x0080,
                    kGicdIsenabler = 0x0100, kGicdIcenabler = 0x0180, kGicdIspendr = 0x0200,
                    kGicdIcpendr = 0x0280, kGicdIpriorityr = 0x0400, kGicdIrouter = 0x6000;
constexpr uint32_t kGicdCtlrRwp = 1u << 31;
// Bit 4 is ARE (affinity routing), bits 0-1 enable the groups. With one
// security state (QEMU virt without EL3) they are Group 0 and Group 1; seen
// from Non-secure with two states, Group 1 and (ignored) Group 1A. Setting
// all three enables Group 1 either way, as Linux does.
constexpr uint32_t kGicdCtlrEnable = (1u << 4) | (1u << 1) | (1u << 0);

// Redistributor: RD_base frame, then the SGI_base frame 64 KiB above it.
constexpr uintptr_t kGicrCtlr = 0x0000, kGicrTyper = 0x0008, kGicrWaker = 0x0014;
constexpr uint32_t kGicrCtlrRwp = 1u << 3;
constexpr uint64_t kGicrTyperLast = 1u << 4, kGicrTyperVlpis = 1u << 1;
constexpr uint32_t kWakerProcessorSleep = 1u << 1, kWakerChildrenAsleep = 1u << 2;
constexpr uintptr_t kSgiBase = 0x10000;
constexpr uintptr_t kGicrIgroupr0 = kSgiBase + 0x0080, kGicrIsenabler0 = kSgiBase + 0x0100,
                    kGicrIcenabler0 = kSgiBase + 0x0180, kGicrIcpendr0 = kSgiBase + 0x0280,
                    kGicrIpriorityr = kSgiBase + 0x0400, kGicrIgrpmodr0 = kSgiBase + 0x0d00;
// A redistributor's frames: RD_base + SGI_base, plus two for virtual LPIs.
constexpr uint64_t kRedistributorStride = 0x20000, kRedistributorStrideVlpis = 0x40000;

// One priority for everything: handlers never nest, so it only has to pass
// the priority mask (ICC_PMR_EL1 = 0xff lets all through).
constexpr uint32_t kPriority = 0xa0;
constexpr uint32_t kPriorityWord = kPriority * 0x01010101u;

// ICC_SRE_EL1: system-register interface, and disable IRQ/FIQ bypass.
constexpr uint64_t kSreEnable = 1 << 0, kSreDfb = 1 << 1, kSreDib = 1 << 2;
constexpr uint64_t kCtlrEoiMode = 1 << 1, kCtlrRss = 1 << 18;

// A register that reports a write in progress settles in microseconds;
// this bounds the wait so that a broken controller halts instead of hanging.
constexpr unsigned kMaxPolls = 1u << 24;

uintptr_t g_distributor = 0;
uint32_t g_lines = 0;  // interrupt IDs the distributor implements (GICD_TYPER)
uintptr_t g_redistributors = 0;
uint64_t g_redistributors_size = 0;

struct PerCpu {
  uintptr_t redistributor = 0;  // RD_base of this CPU's redistributor
  uint64_t affinity = 0;        // MPIDR_EL1 Aff3.Aff2.Aff1.Aff0, as GICR_TYPER holds it
  std::atomic<bool> ready{false};
};
PerCpu g_cpus[kMaxCpus];

uint32_t read32(uintptr_t base, uintptr_t reg) {
  return *reinterpret_cast<volatile uint32_t*>(base + reg);
}
void write32(uintptr_t base, uintptr_t reg, uint32_t value) {
  *reinterpret_cast<volatile uint32_t*>(base + reg) = value;
}
void write64(uintptr_t base, uintptr_t reg, uint64_t value) {
  *reinterpret_cast<volatile uint64_t*>(base + reg) = value;
}
uint64_t read64(uintptr_t base, uintptr_t reg) {
  return *reinterpret_cast<volatile uint64_t*>(base + reg);
}

void wait_while_set(uintptr_t base, uintptr_t reg, uint32_t bits, const char* what) {
  for (unsigned i = 0; i < kMaxPolls; ++i) {
    if ((read32(base, reg) & bits) == 0) return;
  }
  recovery::panic("GICv3: %s never settled", what);
}

uintptr_t map(uint64_t phys, uint64_t size, const char* what) {
  auto va = mm::map_device(phys, size);
  if (!va) recovery::panic("GICv3: cannot map the %s (%s)", what, rebound::to_string(va.error()));
  return *va;
}

// This CPU's affinity in GICR_TYPER's layout (Aff3 above Aff2.Aff1.Aff0).
uint64_t this_cpu_affinity() {
  const uint64_t mpidr = READ_SYSREG(mpidr_el1);
  return ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
}

// Walks the redistributor frames for the one whose affinity is this CPU's.
uintptr_t find_redistributor(uint64_t affinity) {
  for (uint64_t offset = 0; offset + kRedistributorStride <= g_redistributors_size;) {
    const uint64_t typer = read64(g_redistributors, offset + kGicrTyper);
    if ((typer >> 32) == affinity) return g_redistributors + offset;
    if ((typer & kGicrTyperLast) != 0) break;
    offset += (typer & kGicrTyperVlpis) != 0 ? kRedistributorStrideVlpis : kRedistributorStride;
  }
  recovery::panic("GICv3: no redistributor for CPU affinity %#lx",
                  static_cast<unsigned long>(affinity));
}

void cpu_interface_init() {
  WRITE_SYSREG(icc_sre_el1, READ_SYSREG(icc_sre_el1) | kSreEnable | kSreDfb | kSreDib);
  isb();
  if ((READ_SYSREG(icc_sre_el1) & kSreEnable) == 0)
    recovery::panic("GICv3: the system-register CPU interface is disabled (ICC_SRE_EL1.SRE)");
  WRITE_SYSREG(icc_pmr_el1, 0xff);  // every priority passes the mask
  WRITE_SYSREG(icc_bpr1_el1, 0);    // no preemption groups
  WRITE_SYSREG(icc_ctlr_el1, READ_SYSREG(icc_ctlr_el1) & ~kCtlrEoiMode);
  WRITE_SYSREG(icc_igrpen1_el1, 1);  // Group 1 on
  isb();
}

}  // namespace

void init(uint64_t distributor, uint64_t distributor_size, uint64_t redistributors,
          uint64_t redistributors_size) {
  g_distributor = map(distributor, distributor_size, "distributor");
  // The region has room for every CPU the machine could have (QEMU virt:
  // 123); the kernel never runs more than kMaxCpus.
  g_redistributors_size = redistributors_size;
  if (g_redistributors_size > kMaxCpus * kRedistributorStrideVlpis)
    g_redistributors_size = kMaxCpus * kRedistributorStrideVlpis;
  g_redistributors = map(redistributors, g_redistributors_size, "redistributors");

  write32(g_distributor, kGicdCtlr, 0);
  wait_while_set(g_distributor, kGicdCtlr, kGicdCtlrRwp, "distributor disable");
  const uint32_t lines = g_lines = 32 * ((read32(g_distributor, kGicdTyper) & 0x1f) + 1);
  for (uint32_t intid = kFirstSpi; intid < lines && intid < kFirstSpecial; intid += 32) {
    write32(g_distributor, kGicdIcenabler + intid / 8, ~0u);
    write32(g_distributor, kGicdIcpendr + intid / 8, ~0u);
    write32(g_distributor, kGicdIgroupr + intid / 8, ~0u);
  }
  for (uint32_t intid = kFirstSpi; intid < lines && intid < kFirstSpecial; intid += 4)
    write32(g_distributor, kGicdIpriorityr + intid, kPriorityWord);
  wait_while_set(g_distributor, kGicdCtlr, kGicdCtlrRwp, "SPI disable");
  write32(g_distributor, kGicdCtlr, kGicdCtlrEnable);
  wait_while_set(g_distributor, kGicdCtlr, kGicdCtlrRwp, "distributor enable");
  KLOG_DEBUG("GICv3: distributor at %#lx, %u interrupt lines",
             static_cast<unsigned long>(distributor), lines);
}

void init_this_cpu() {
  PerCpu& cpu = g_cpus[core::this_cpu().id];
  cpu.affinity = this_cpu_affinity();
  const uintptr_t rd = cpu.redistributor = find_redistributor(cpu.affinity);

  write32(rd, kGicrWaker, read32(rd, kGicrWaker) & ~kWakerProcessorSleep);
  wait_while_set(rd, kGicrWaker, kWakerChildrenAsleep, "redistributor wake-up");

  write32(rd, kGicrIcenabler0, ~0u);
  write32(rd, kGicrIcpendr0, ~0u);
  wait_while_set(rd, kGicrCtlr, kGicrCtlrRwp, "SGI/PPI disable");
  write32(rd, kGicrIgroupr0, ~0u);  // Group 1 ...
  write32(rd, kGicrIgrpmodr0, 0);   // ... Non-secure
  for (uint32_t intid = 0; intid < kFirstSpi; intid += 4)
    write32(rd, kGicrIpriorityr + intid, kPriorityWord);
  // IPIs are always enabled at the controller; whether they are taken is
  // the CPU's interrupt mask.
  write32(rd, kGicrIsenabler0, (1u << kSgiReschedule) | (1u << kSgiTlbShootdown));

  cpu_interface_init();
  cpu.ready.store(true, std::memory_order_release);
}

bool this_cpu_ready() { return g_cpus[core::this_cpu().id].ready.load(std::memory_order_relaxed); }

void set_ppi_enabled(uint32_t intid, bool enabled) {
  const uintptr_t rd = g_cpus[core::this_cpu().id].redistributor;
  const uint32_t bit = 1u << intid;
  if (enabled) {
    write32(rd, kGicrIsenabler0, bit);
    return;
  }
  write32(rd, kGicrIcenabler0, bit);
  wait_while_set(rd, kGicrCtlr, kGicrCtlrRwp, "PPI disable");
  write32(rd, kGicrIcpendr0, bit);
}

uint32_t acknowledge() {
  const uint64_t iar = READ_SYSREG(icc_iar1_el1);
  return static_cast<uint32_t>(iar & 0xffffff);
}

void end_of_interrupt(uint32_t intid) {
  WRITE_SYSREG(icc_eoir1_el1, intid);
  isb();
}

void disable(uint32_t intid) {
  if (intid < kFirstSpi) {
    set_ppi_enabled(intid, false);
    return;
  }
  write32(g_distributor, kGicdIcenabler + intid / 32 * 4, 1u << (intid % 32));
  wait_while_set(g_distributor, kGicdCtlr, kGicdCtlrRwp, "SPI disable");
}

uint32_t lines() { return g_lines < kFirstSpecial ? g_lines : kFirstSpecial; }

void route_spi_to_boot_cpu(uint32_t intid) {
  // GICD_IROUTER<n>: Aff3 in bits 39:32, Aff2.Aff1.Aff0 in 23:0; the
  // interrupt routing mode bit (31) clear: to that one CPU.
  const uint64_t aff = g_cpus[0].affinity;
  write64(g_distributor, kGicdIrouter + 8 * intid, ((aff >> 24) & 0xff) << 32 | (aff & 0xffffff));
}

void enable_spi(uint32_t intid) {
  write32(g_distributor, kGicdIsenabler + intid / 32 * 4, 1u << (intid % 32));
}

bool spi_enabled(uint32_t intid) {
  return (read32(g_distributor, kGicdIsenabler + intid / 32 * 4) & (1u << (intid % 32))) != 0;
}

void set_spi_pending(uint32_t intid) {
  write32(g_distributor, kGicdIspendr + intid / 32 * 4, 1u << (intid % 32));
}

Result<void> send_sgi(unsigned cpu, uint32_t intid) {
  if (cpu >= kMaxCpus) return fail(Error::out_of_range);
  const PerCpu& target = g_cpus[cpu];
  if (!target.ready.load(std::memory_order_acquire)) return fail(Error::not_found);
  const uint64_t aff = target.affinity;
  // ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16],
  // the range selector [47:44] picks which 16 Aff0 values the target list
  // [15:0] covers.
  const uint64_t aff0 = aff & 0xff;
  // Without range selector support only Aff0 values 0-15 can be targeted.
  if (aff0 >= 16 && (READ_SYSREG(icc_ctlr_el1) & kCtlrRss) == 0) return fail(Error::not_supported);
  const uint64_t value = ((aff >> 24) & 0xff) << 48 | ((aff >> 16) & 0xff) << 32 |
                         (aff0 >> 4) << 44 | uint64_t{intid} << 24 | ((aff >> 8) & 0xff) << 16 |
                         (1u << (aff0 & 15));
  // What the sender wrote before must be visible to the target's handler.
  asm volatile("dsb ishst" ::: "memory");
  WRITE_SYSREG(icc_sgi1r_el1, value);
  isb();
  return {};
}

}  // namespace arch::aarch64::gic
