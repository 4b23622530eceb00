// The kernel's final page tables on aarch64: the upper half maps all RAM
// linearly at KERNEL_VBASE + phys, execute-never and writable, except the
// kernel image, mapped page by page W^X (text RX, rodata R, data RW) with the
// guards of its two stacks (boot.S) left unmapped, and the devices the kernel
// uses. The lower half (TTBR0) is left empty for user space:
// a kernel access to a low address (a null pointer) faults.
#include "arch/aarch64/mmu.h"

#include "arch/aarch64/sysreg.h"
#include "mm/boot_table_pool.h"
#include "mm/kernel_stack.h"
#include "recovery/panic.h"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __data_end[], boot_stack_guard[], overflow_stack_guard[];

namespace arch::aarch64 {
namespace {

constexpr uint64_t kValid = 1, kTable = 2, kPage = 2, kAttrDevice = 0 << 2, kAttrNormal = 1 << 2,
                   kApReadOnly = 2 << 6, kInnerShareable = 3 << 8, kAccessFlag = 1 << 10,
                   kPxn = 1ull << 53, kUxn = 1ull << 54;
constexpr uint64_t kAddrMask = 0x0000fffffffff000;
constexpr uint64_t kTcrEpd0 = 1 << 7, kSctlrWxn = 1 << 19;

constexpr uint64_t kText = kAttrNormal | kInnerShareable | kAccessFlag | kApReadOnly | kUxn;
constexpr uint64_t kRodata =
    kAttrNormal | kInnerShareable | kAccessFlag | kApReadOnly | kUxn | kPxn;
constexpr uint64_t kData = kAttrNormal | kInnerShareable | kAccessFlag | kUxn | kPxn;
constexpr uint64_t kDevice = kAttrDevice | kAccessFlag | kUxn | kPxn;

}  // namespace
uint64_t* g_root = nullptr;
namespace {

uint64_t* next_level(uint64_t* table, unsigned index) {
  uint64_t& e = table[index];
  if ((e & kValid) == 0) {
    uint64_t* t = mm::boot_table_page();
    e = virt_to_phys(reinterpret_cast<uintptr_t>(t)) | kTable | kValid;
    return t;
  }
  if ((e & kTable) == 0) recovery::panic("mmu: mapping over a block");
  return reinterpret_cast<uint64_t*>(phys_to_virt(e & kAddrMask));
}

// Maps [va, va+size) to pa with `attrs`, using 2 MiB blocks where aligned.
void map(uintptr_t va, uint64_t pa, uint64_t size, uint64_t attrs) {
  constexpr uint64_t kBlock = 2ull << 20, kPageSize = 4096;
  while (size > 0) {
    uint64_t* l1 = next_level(g_root, (va >> 39) & 511);
    uint64_t* l2 = next_level(l1, (va >> 30) & 511);
    if ((va | pa) % kBlock == 0 && size >= kBlock) {
      l2[(va >> 21) & 511] = pa | attrs | kValid;  // block descriptor
      va += kBlock, pa += kBlock, size -= kBlock;
      continue;
    }
    uint64_t* l3 = next_level(l2, (va >> 21) & 511);
    l3[(va >> 12) & 511] = pa | attrs | kPage | kValid;
    va += kPageSize, pa += kPageSize, size -= kPageSize;
  }
}

void map_kernel_range(const char* start, const char* end, uint64_t attrs) {
  const auto va = reinterpret_cast<uintptr_t>(start);
  map(va, virt_to_phys(va), reinterpret_cast<uintptr_t>(end) - va, attrs);
}

}  // namespace

void mmu_init(const boot::MemoryMap& memory) {
  g_root = mm::boot_table_page();
  map_kernel_range(__text_start, __text_end, kText);
  map_kernel_range(__rodata_start, __rodata_end, kRodata);
  constexpr size_t kGuard = mm::kKernelStackGuardSize;
  map_kernel_range(__data_start, boot_stack_guard, kData);
  map_kernel_range(boot_stack_guard + kGuard, overflow_stack_guard, kData);
  map_kernel_range(overflow_stack_guard + kGuard, __data_end, kData);
  for (size_t i = 0; i < memory.size(); ++i) {
    const boot::Region& r = memory[i];
    if (r.kind == boot::RegionKind::kernel) continue;  // mapped above, W^X
    const uint64_t base = r.base & ~uint64_t{4095};
    const uint64_t end = (r.end() + 4095) & ~uint64_t{4095};
    map(phys_to_virt(base), base, end - base, kData);
  }
  map(phys_to_virt(kUartPhys), kUartPhys, 4096, kDevice);

  asm volatile("dsb ishst" ::: "memory");
  WRITE_SYSREG(ttbr1_el1, virt_to_phys(reinterpret_cast<uintptr_t>(g_root)));
  WRITE_SYSREG(ttbr0_el1, 0);
  WRITE_SYSREG(tcr_el1, READ_SYSREG(tcr_el1) | kTcrEpd0);
  // Writable-implies-execute-never: the hardware enforces W^X from now on.
  WRITE_SYSREG(sctlr_el1, READ_SYSREG(sctlr_el1) | kSctlrWxn);
  isb();
  asm volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

}  // namespace arch::aarch64

namespace arch {

uintptr_t phys_to_virt(uint64_t phys) { return aarch64::phys_to_virt(phys); }
uint64_t virt_to_phys(uintptr_t virt) { return aarch64::virt_to_phys(virt); }

uint64_t kernel_table_root() {
  return aarch64::virt_to_phys(reinterpret_cast<uintptr_t>(aarch64::g_root));
}

void page_table_sync() { asm volatile("dsb ishst\n isb" ::: "memory"); }

// DC ZVA zeroes one block of 4 << DCZID_EL0.BS bytes (64 under QEMU) per
// instruction, without FP/SIMD registers. DCZID_EL0.DZP set: prohibited,
// then plain stores.
void zero_page(void* page) {
  constexpr uint64_t kDzp = 1 << 4;
  constexpr size_t kPage = 4096;
  const uint64_t dczid = READ_SYSREG(dczid_el0);
  const size_t block = size_t{4} << (dczid & 0xf);
  auto* p = static_cast<char*>(page);
  if ((dczid & kDzp) != 0 || block > kPage) {
    __builtin_memset(page, 0, kPage);
    return;
  }
  for (char* q = p; q < p + kPage; q += block) asm volatile("dc zva, %0" ::"r"(q) : "memory");
}

// The inner-shareable forms: the invalidation reaches every CPU's TLB, and
// the dsb ish waits until all of them have done it (no shootdown IPIs).
void tlb_invalidate(uintptr_t va, uint16_t asid) {
  const uint64_t page = (va >> 12) & ((uint64_t{1} << 44) - 1);
  asm volatile("dsb ishst" ::: "memory");  // the entry write first
  if (asid == 0) {
    asm volatile("tlbi vaae1is, %0" ::"r"(page) : "memory");  // any ASID: global kernel entry
  } else {
    asm volatile("tlbi vae1is, %0" ::"r"(page | uint64_t{asid} << 48) : "memory");
  }
  asm volatile("dsb ish\n isb" ::: "memory");
}

}  // namespace arch
