// Secondary CPUs on x86_64: the INIT / STARTUP IPI sequence of the Intel MP
// specification through the local APIC, and each CPU's own set-up.
//
// start_cpu copies the trampoline (ap_trampoline.S) to the start page, a page
// below 640 KiB reserved at boot, posts the start block (the kernel's page
// table root, stack, entry and argument, and the APIC id it is for), and
// sends INIT, waits 10 ms, sends a STARTUP IPI, waits 200 us, and sends a
// second one unless the CPU already took the block. Then it waits (at most
// kAnswerTimeoutNs) for the CPU to take the block: the CPU's 64-bit code
// does that with a compare-and-swap from "posted for my APIC id" to
// "taken", reads the block, frees it and calls entry. A CPU that never takes
// it (no CPU with that id, or one that is broken) gets its start withdrawn
// by the same compare-and-swap from start_cpu's side, and an INIT puts it
// back into its wait-for-SIPI state in case it was on its way; one that
// comes later finds nothing posted for it and parks (cli; hlt).
#include "arch/x86_64/cpu_start.h"

#include <atomic>
#include <cstddef>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/local_apic.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/user_entry.h"
#include "lib/log.h"

extern "C" {

// Read and written by ap_start64 (ap_trampoline.S) at the AP_START_*
// offsets.
struct ApStartBlock {
  uint64_t cr3;        // the kernel's page-table root (physical)
  uint64_t stack_top;  // entry's stack
  uint64_t entry;      // void (*)(void*)
  uint64_t arg;
  uint64_t state;  // AP_START_STATE: free, posted for an APIC id, taken
};
ApStartBlock x86_64_ap_start_block;

extern const char x86_64_ap_trampoline[], x86_64_ap_trampoline_end[];
}

static_assert(offsetof(ApStartBlock, cr3) == AP_START_CR3);
static_assert(offsetof(ApStartBlock, stack_top) == AP_START_STACK);
static_assert(offsetof(ApStartBlock, entry) == AP_START_ENTRY);
static_assert(offsetof(ApStartBlock, arg) == AP_START_ARG);
static_assert(offsetof(ApStartBlock, state) == AP_START_STATE);

namespace arch::x86_64 {
namespace {

constexpr uint64_t kPageSize = 4096;
// Usable RAM for the start page: above the real-mode interrupt table and the
// BIOS data area, below the EBDA, video memory and ROMs at 640 KiB.
constexpr uint64_t kStartPageLowest = 0x1000, kStartPageLimit = 0xa0000;

constexpr uint64_t kPosted = uint64_t{1} << AP_START_POSTED_BIT;
constexpr uint64_t kFree = 0;

// The MP specification's delays, and how long a CPU gets to answer.
constexpr uint64_t kInitDelayNs = 10'000'000;
constexpr uint64_t kStartupDelayNs = 200'000;
constexpr uint64_t kAnswerTimeoutNs = 1'000'000'000;

uint64_t g_start_page = 0;
// APIC ids of the CPUs started so far (the boot CPU is not among them).
uint32_t g_started[kMaxCpus];
unsigned g_started_count = 0;

std::atomic_ref<uint64_t> block_state() {
  return std::atomic_ref<uint64_t>(x86_64_ap_start_block.state);
}

bool started(uint32_t apic_id) {
  for (unsigned i = 0; i < g_started_count; ++i)
    if (g_started[i] == apic_id) return true;
  return false;
}

// Waits until the block is no longer posted as `posted` or `ns` have
// passed; returns whether it still is.
bool still_posted_after(uint64_t posted, uint64_t ns) {
  const uint64_t start = monotonic_ns();
  while (block_state().load(std::memory_order_acquire) == posted) {
    if (monotonic_ns() - start >= ns) return true;
    asm volatile("pause");
  }
  return false;
}

void delay(uint64_t ns) {
  const uint64_t start = monotonic_ns();
  while (monotonic_ns() - start < ns) asm volatile("pause");
}

}  // namespace

void reserve_start_page(boot::MemoryMap& memory) {
  uint64_t page = 0;
  for (size_t i = 0; i < memory.size(); ++i) {
    const boot::Region& r = memory[i];
    if (r.kind != boot::RegionKind::usable) continue;
    const uint64_t lowest = r.base > kStartPageLowest ? r.base : kStartPageLowest;
    const uint64_t candidate = (lowest + kPageSize - 1) & ~(kPageSize - 1);
    const uint64_t end = r.end() < kStartPageLimit ? r.end() : kStartPageLimit;
    if (candidate + kPageSize <= end && (page == 0 || candidate < page)) page = candidate;
  }
  if (page == 0) {
    KLOG_WARN("cpus: no usable page below 640 KiB to start other CPUs in");
    return;
  }
  if (!memory.carve(page, kPageSize, boot::RegionKind::reserved)) {
    KLOG_WARN("cpus: the memory map is full: no page to start other CPUs in");
    return;
  }
  g_start_page = page;
}

uint64_t start_page() { return g_start_page; }

}  // namespace arch::x86_64

namespace arch {

Result<void> start_cpu(uint64_t hardware_id, uintptr_t stack_top, void (*entry)(void*), void* arg) {
  using namespace x86_64;
  if (!lapic::this_cpu_ready() || g_start_page == 0) return fail(Error::not_supported);
  // The broadcast id would start (reset!) every CPU; larger ones no CPU has.
  if (!lapic::addressable(hardware_id)) return fail(Error::not_found);
  const auto apic_id = static_cast<uint32_t>(hardware_id);
  // An INIT would reset a running CPU: never send one to this CPU or to one
  // that was started.
  if (apic_id == lapic::this_cpu_apic_id() || started(apic_id)) return fail(Error::already_exists);
  if (g_started_count == kMaxCpus) return fail(Error::limit_reached);
  // The last CPU started took the block but has not freed it yet (a few
  // instructions, or that CPU broke down in between): it may still read it.
  if (block_state().load(std::memory_order_acquire) != kFree) return fail(Error::already_exists);

  const auto trampoline_size = static_cast<size_t>(x86_64_ap_trampoline_end - x86_64_ap_trampoline);
  __builtin_memcpy(reinterpret_cast<void*>(x86_64::phys_to_virt(g_start_page)),
                   x86_64_ap_trampoline, trampoline_size);
  x86_64_ap_start_block.cr3 = arch::kernel_table_root();
  x86_64_ap_start_block.stack_top = stack_top;
  x86_64_ap_start_block.entry = reinterpret_cast<uint64_t>(entry);
  x86_64_ap_start_block.arg = reinterpret_cast<uint64_t>(arg);
  const uint64_t posted = kPosted | apic_id;
  block_state().store(posted, std::memory_order_release);

  const auto page = static_cast<uint8_t>(g_start_page / kPageSize);
  lapic::send_init(apic_id);
  delay(kInitDelayNs);
  lapic::send_startup(apic_id, page);
  // A CPU that missed the first STARTUP gets a second; one that is running
  // ignores it (it is no longer waiting for a SIPI).
  if (still_posted_after(posted, kStartupDelayNs)) lapic::send_startup(apic_id, page);

  if (still_posted_after(posted, kAnswerTimeoutNs)) {
    uint64_t expected = posted;
    if (block_state().compare_exchange_strong(expected, kFree, std::memory_order_acq_rel)) {
      // Withdrawn: a CPU that is still on its way is reset, and one that
      // gets to the block later finds nothing for it and parks.
      lapic::send_init(apic_id);
      return fail(Error::not_found);
    }
  }
  // Taken: the CPU runs entry(arg) on stack_top.
  g_started[g_started_count++] = apic_id;
  return {};
}

void init_this_cpu() {
  using namespace x86_64;
  gdt_init();
  idt_load();
  user_mode_init();
  mmu_init_this_cpu();
}

}  // namespace arch
