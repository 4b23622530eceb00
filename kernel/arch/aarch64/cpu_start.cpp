// Secondary CPUs on aarch64: PSCI CPU_ON starts a CPU at EL1 with its MMU
// and caches off at the physical address of aarch64_secondary_entry
// (secondary_entry.S), with x0 = the context id we pass: the physical address
// of a SecondaryStart block holding everything that code needs (the boot
// CPU's translation registers, the stack, the entry and its argument).
//
// Blocks: the started CPU reads its block with caches off, so start_cpu
// cleans it to the point of coherency before CPU_ON, and never writes it
// again until that CPU has released it (in_use = 0, written with its MMU
// on, once it has read every field). A CPU that was told to start but never
// came up keeps its block; kMaxCpus blocks leave room for every CPU the
// kernel supports plus retries, and start_cpu fails with limit_reached when
// none is free. The page tables the CPU walks (the boot identity map and the
// kernel's tables) are read with the MMU on, through cacheable walks
// (TCR_EL1: write-back, inner shareable) that are coherent with the boot
// CPU's caches: a dsb is all they need.
#include "arch/aarch64/cpu_start.h"

#include <atomic>
#include <cstddef>

#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "lib/log.h"

extern "C" char aarch64_secondary_entry[], boot_l0[], exception_vectors[];

namespace arch::aarch64 {
namespace {

constexpr uint64_t kTcrEpd0 = 1 << 7, kSctlrWxn = 1 << 19;
// MPIDR_EL1's affinity fields: Aff3 (39:32), Aff2.Aff1.Aff0 (23:0).
constexpr uint64_t kMpidrAffinity = 0xff00ffffff;

// What secondary_entry.S reads, at the offsets it names (START_*). Aligned
// and sized to a cache line of its own for the usual 64-byte lines (and
// 128-byte ones), so that no write to a neighbour dirties its line while
// the started CPU reads it from memory.
struct alignas(128) SecondaryStart {
  uint64_t mair;
  uint64_t tcr;    // EPD0 clear: the identity map is walked through TTBR0
  uint64_t sctlr;  // WXN clear: the identity map is writable and executable
  uint64_t ttbr0;  // the boot identity map (boot.S)
  uint64_t ttbr1;  // the kernel's tables
  uint64_t stack_top;
  uint64_t entry;
  uint64_t arg;
  std::atomic<uint64_t> in_use;  // 1 from start_cpu until the CPU has read the block
};
static_assert(offsetof(SecondaryStart, mair) == 0 && offsetof(SecondaryStart, tcr) == 8 &&
                  offsetof(SecondaryStart, sctlr) == 16 && offsetof(SecondaryStart, ttbr0) == 24 &&
                  offsetof(SecondaryStart, ttbr1) == 32 &&
                  offsetof(SecondaryStart, stack_top) == 40 &&
                  offsetof(SecondaryStart, entry) == 48 && offsetof(SecondaryStart, arg) == 56 &&
                  offsetof(SecondaryStart, in_use) == 64,
              "START_* in secondary_entry.S");
static_assert(sizeof(std::atomic<uint64_t>) == 8 && std::atomic<uint64_t>::is_always_lock_free);

SecondaryStart g_blocks[kMaxCpus];

boot::PsciConduit g_conduit = boot::PsciConduit::none;
uint32_t g_cpu_on = 0;

SecondaryStart* reserve_block() {
  for (SecondaryStart& b : g_blocks) {
    uint64_t free = 0;
    if (b.in_use.compare_exchange_strong(free, 1, std::memory_order_acquire)) return &b;
  }
  return nullptr;
}

// Writes [p, p + size) back to memory (the point of coherency), for a
// reader whose caches are off.
void clean_to_poc(const void* p, size_t size) {
  const uint64_t line = uint64_t{4} << ((READ_SYSREG(ctr_el0) >> 16) & 0xf);  // DminLine
  const auto start = reinterpret_cast<uintptr_t>(p) & ~(line - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(p) + size;
  for (uintptr_t a = start; a < end; a += line) asm volatile("dc cvac, %0" ::"r"(a) : "memory");
  asm volatile("dsb sy" ::: "memory");
}

// An SMC Calling Convention call: function id in x0, arguments in x1-x3,
// result in x0; x4-x17 may be clobbered (SMCCC 1.0).
int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 asm("x0") = function;
  register uint64_t x1 asm("x1") = a1;
  register uint64_t x2 asm("x2") = a2;
  register uint64_t x3 asm("x3") = a3;
#define PSCI_CLOBBERS                                                                         \
  "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", \
      "memory"
  if (g_conduit == boot::PsciConduit::hvc)
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::PSCI_CLOBBERS);
  else
    asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::PSCI_CLOBBERS);
#undef PSCI_CLOBBERS
  return static_cast<int64_t>(x0);
}

// PSCI return codes (PSCI 1.1, DEN0022, section 5.2.2).
Error cpu_on_error(int64_t status) {
  switch (status) {
    case -1: return Error::not_supported;   // NOT_SUPPORTED: no CPU_ON
    case -2:                                // INVALID_PARAMETERS: no such CPU
    case -7:                                // NOT_PRESENT
    case -8: return Error::not_found;       // DISABLED
    case -4:                                // ALREADY_ON
    case -5: return Error::already_exists;  // ON_PENDING: being started
    case -3: return Error::access_denied;   // DENIED
    case -9: return Error::bad_address;     // INVALID_ADDRESS: the entry point
    default: return Error::not_supported;   // INTERNAL_FAILURE (-6) and the unknown
  }
}

}  // namespace

void psci_init(const boot::CpuList& cpus) {
  g_conduit = cpus.psci_conduit;
  g_cpu_on = cpus.psci_cpu_on;
}

}  // namespace arch::aarch64

namespace arch {

Result<void> start_cpu(uint64_t hardware_id, uintptr_t stack_top, void (*entry)(void*), void* arg) {
  using namespace aarch64;
  if (g_conduit == boot::PsciConduit::none || g_cpu_on == 0) return fail(Error::not_supported);
  if (entry == nullptr || stack_top == 0 || stack_top % 16 != 0)
    return fail(Error::invalid_argument);
  if ((hardware_id & ~kMpidrAffinity) != 0) return fail(Error::not_found);
  SecondaryStart* block = reserve_block();
  if (block == nullptr) return fail(Error::limit_reached);

  block->mair = READ_SYSREG(mair_el1);
  block->tcr = READ_SYSREG(tcr_el1) & ~kTcrEpd0;
  block->sctlr = READ_SYSREG(sctlr_el1) & ~kSctlrWxn;
  block->ttbr0 = aarch64::virt_to_phys(reinterpret_cast<uintptr_t>(boot_l0));
  block->ttbr1 = kernel_table_root();
  block->stack_top = stack_top;
  block->entry = reinterpret_cast<uint64_t>(entry);
  block->arg = reinterpret_cast<uint64_t>(arg);
  clean_to_poc(block, sizeof *block);

  const int64_t status =
      psci_call(g_cpu_on, hardware_id,
                aarch64::virt_to_phys(reinterpret_cast<uintptr_t>(aarch64_secondary_entry)),
                aarch64::virt_to_phys(reinterpret_cast<uintptr_t>(block)));
  if (status == 0) return {};
  block->in_use.store(0, std::memory_order_release);  // the CPU will not read it
  KLOG_DEBUG("cpus: PSCI CPU_ON of %#lx refused (%ld)", static_cast<unsigned long>(hardware_id),
             static_cast<long>(status));
  return fail(cpu_on_error(status));
}

void init_this_cpu() {
  // secondary_entry.S did all of this already; repeated here so that the
  // contract holds whatever brought the CPU up.
  WRITE_SYSREG(cpacr_el1, 0);  // FP/SIMD off: any such instruction traps
  WRITE_SYSREG(vbar_el1, reinterpret_cast<uint64_t>(exception_vectors));
  WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | aarch64::kSctlrWxn);  // W^X
  aarch64::isb();
}

// Every invalidation is broadcast in hardware (tlbi ...is, mmu.cpp): there is
// never a shootdown to serve.
void serve_tlb_shootdown() {}

}  // namespace arch
