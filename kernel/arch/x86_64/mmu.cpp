// The kernel's final page tables on x86_64 (4 levels): the kernel image at
// kKernelVbase + phys, page by page W^X (text RX, rodata R, data RW), with an
// unmapped guard page below the boot stack; every range of the memory map at
// kDirectMapBase + phys, writable and never executable (the kernel image's
// text and rodata read-only there too). The lower half is left empty for user
// space: a kernel access to a low address (a null pointer) faults.
#include "arch/x86_64/mmu.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tlb_shootdown.h"
#include "mm/boot_table_pool.h"
#include "recovery/panic.h"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __data_end[], boot_stack_guard[];

namespace arch::x86_64 {
namespace {

constexpr uint64_t kPresent = 1 << 0, kWritable = 1 << 1, kAccessed = 1 << 5, kDirty = 1 << 6,
                   kLarge = 1 << 7, kGlobal = 1 << 8, kNoExecute = 1ull << 63;
constexpr uint64_t kAddrMask = 0x000ffffffffff000;
constexpr uint64_t kPageSize = 4096;

// Upper levels allow everything; the leaves decide. Accessed and dirty are
// preset so that the CPU never writes them back.
constexpr uint64_t kTable = kPresent | kWritable;
constexpr uint64_t kText = kPresent | kAccessed | kGlobal;
constexpr uint64_t kReadOnly = kPresent | kAccessed | kGlobal | kNoExecute;
constexpr uint64_t kData = kPresent | kWritable | kAccessed | kDirty | kGlobal | kNoExecute;

}  // namespace
uint64_t* g_root = nullptr;
namespace {

uint64_t* next_level(uint64_t* table, unsigned index) {
  uint64_t& e = table[index];
  if ((e & kPresent) == 0) {
    uint64_t* t = mm::boot_table_page();
    e = virt_to_phys(reinterpret_cast<uintptr_t>(t)) | kTable;
    return t;
  }
  if ((e & kLarge) != 0) recovery::panic("mmu: mapping over a large page");
  return reinterpret_cast<uint64_t*>(phys_to_virt(e & kAddrMask));
}

// Whether a page-directory-pointer entry may map 1 GiB (CPUID: pdpe1gb).
bool g_gigabyte_pages = false;

bool large_pages_at(unsigned shift) { return shift == 21 || (shift == 30 && g_gigabyte_pages); }

// Maps [va, va+size) to pa with `attrs`, using the largest pages that fit
// (2 MiB, 1 GiB) where va and pa are aligned.
void map(uintptr_t va, uint64_t pa, uint64_t size, uint64_t attrs) {
  while (size > 0) {
    uint64_t* table = g_root;
    for (unsigned shift = 39;; shift -= 9) {
      const unsigned index = (va >> shift) & 511;
      const uint64_t page = uint64_t{1} << shift;
      if (shift == 12) {
        table[index] = pa | attrs;
      } else if (large_pages_at(shift) && (va | pa) % page == 0 && size >= page) {
        if ((table[index] & kPresent) != 0 && (table[index] & kLarge) == 0)
          recovery::panic("mmu: large page over a page table");
        table[index] = pa | attrs | kLarge;
      } else {
        table = next_level(table, index);
        continue;
      }
      va += page, pa += page, size -= page;
      break;
    }
  }
}

void map_kernel_range(const char* start, const char* end, uint64_t attrs) {
  const auto va = reinterpret_cast<uintptr_t>(start);
  map(va, virt_to_phys(va), reinterpret_cast<uintptr_t>(end) - va, attrs);
}

// The kernel image's alias in the direct map.
void map_kernel_alias(const char* start, const char* end, uint64_t attrs) {
  const uint64_t pa = virt_to_phys(reinterpret_cast<uintptr_t>(start));
  map(phys_to_virt(pa), pa, static_cast<uint64_t>(end - start), attrs);
}

}  // namespace

void mmu_init(const boot::MemoryMap& memory) {
  constexpr uint32_t kCpuidExtendedFeatures = 0x80000001, kCpuidPdpe1gb = 1u << 26;
  g_gigabyte_pages = (cpuid(kCpuidExtendedFeatures).edx & kCpuidPdpe1gb) != 0;
  g_root = mm::boot_table_page();
  map_kernel_range(__text_start, __text_end, kText);
  map_kernel_range(__rodata_start, __rodata_end, kReadOnly);
  map_kernel_range(__data_start, boot_stack_guard, kData);
  map_kernel_range(boot_stack_guard + kPageSize, __data_end, kData);

  map_kernel_alias(__text_start, __rodata_end, kReadOnly);
  map_kernel_alias(__data_start, __data_end, kData);
  for (size_t i = 0; i < memory.size(); ++i) {
    const boot::Region& r = memory[i];
    if (r.kind == boot::RegionKind::kernel) continue;  // its alias is above
    const uint64_t base = r.base & ~(kPageSize - 1);
    const uint64_t end = (r.end() + kPageSize - 1) & ~(kPageSize - 1);
    map(phys_to_virt(base), base, end - base, kData);
  }

  mmu_init_this_cpu();
  write_cr3(virt_to_phys(reinterpret_cast<uintptr_t>(g_root)));
}

void mmu_init_this_cpu() {
  // NX bits mean something, ring 0 honours read-only pages, kernel pages are
  // global (kept in the TLB across address-space switches).
  wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferNxe);
  write_cr0(read_cr0() | kCr0Wp);
  write_cr4(read_cr4() | kCr4Pge);
}

}  // namespace arch::x86_64

namespace arch {

uintptr_t phys_to_virt(uint64_t phys) { return x86_64::phys_to_virt(phys); }
uint64_t virt_to_phys(uintptr_t virt) { return x86_64::virt_to_phys(virt); }

uint64_t kernel_table_root() {
  return x86_64::virt_to_phys(reinterpret_cast<uintptr_t>(x86_64::g_root));
}

// x86 table walks see ordinary stores: nothing to do.
void page_table_sync() {}

void zero_page(void* page) {
  void* d = page;
  size_t n = 4096 / 8;
  asm volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(uint64_t{0}) : "memory");
}

// invlpg also drops this address's cached upper-level entries (and the
// paging-structure caches), so a freed table is never walked again. It acts
// on this CPU only: the other CPUs that may cache the entry do the same on a
// shootdown IPI. (No PCIDs: `asid` names the address space for targeting.)
void tlb_invalidate(uintptr_t va, uint16_t asid) {
  asm volatile("invlpg (%0)" ::"r"(va) : "memory");
  x86_64::tlb_shootdown(va, asid);
}

}  // namespace arch
