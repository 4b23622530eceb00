#include "mm/kernel_memory.h"

#include <new>

#include "arch/arch.h"
#include "arch/layout.h"
#include "lib/align.h"
#include "lib/log.h"
#include "mm/boot_table_pool.h"
#include "mm/heaps.h"
#include "recovery/panic.h"

namespace mm {
namespace {

// Low memory stays out of the allocator (x86_64: firmware data, and the
// real-mode trampoline that starts the other CPUs).
constexpr PhysAddr kLowMemoryEnd = 1 << 20;

class KernelTableMemory final : public TableMemory {
 public:
  Result<PhysAddr> allocate_table() override {
    TRY(pa, frames().allocate(0));
    __builtin_memset(reinterpret_cast<void*>(arch::phys_to_virt(pa)), 0, kPageSize);
    ++live_;
    return pa;
  }
  bool free_table(PhysAddr pa) override {
    if (boot_table_pool_contains(pa)) return false;  // static: not the allocator's
    frames().free(pa, 0);
    --live_;
    return true;
  }
  uint64_t* entries(PhysAddr pa) override {
    return reinterpret_cast<uint64_t*>(arch::phys_to_virt(pa));
  }
  void invalidate(uintptr_t va, uint16_t asid) override { arch::tlb_invalidate(va, asid); }
  void publish() override { arch::page_table_sync(); }

  size_t live() const { return live_; }

 private:
  size_t live_ = 0;
};

KernelTableMemory g_table_memory;
alignas(PageTable) unsigned char g_kernel_table[sizeof(PageTable)];
bool g_ready = false;

}  // namespace

void init(boot::MemoryMap& memory) {
  PhysAddr lo = ~PhysAddr{0}, hi = 0;
  for (size_t i = 0; i < memory.size(); ++i) {
    const boot::Region& r = memory[i];
    if (r.kind != boot::RegionKind::usable || r.end() <= kLowMemoryEnd) continue;
    lo = r.base < lo ? r.base : lo;
    hi = r.end() > hi ? r.end() : hi;
  }
  if (hi == 0) recovery::panic("mm: no usable RAM above 1 MiB");
  const size_t meta_size = FrameAllocator::metadata_size(lo, hi);
  PhysAddr meta = 0;
  for (size_t i = 0; i < memory.size() && meta == 0; ++i) {
    const boot::Region& r = memory[i];
    const PhysAddr start =
        r.base < kLowMemoryEnd ? kLowMemoryEnd : lib::align_up(r.base, PhysAddr{kPageSize});
    if (r.kind == boot::RegionKind::usable && start < r.end() && r.end() - start >= meta_size)
      meta = start;
  }
  if (meta == 0) recovery::panic("mm: no room for %zu bytes of frame metadata", meta_size);
  memory.carve(meta, meta_size, boot::RegionKind::reserved);

  FrameAllocator& fa = frames();
  fa.init(lo, hi, reinterpret_cast<void*>(arch::phys_to_virt(meta)));
  for (size_t i = 0; i < memory.size(); ++i) {
    const boot::Region& r = memory[i];
    if (r.kind != boot::RegionKind::usable || r.end() <= kLowMemoryEnd) continue;
    const PhysAddr start = r.base < kLowMemoryEnd ? kLowMemoryEnd : r.base;
    fa.add_free(start, r.end() - start);
  }
  new (g_kernel_table) PageTable(PageTable::adopt(g_table_memory, arch::kernel_table_root()));
  g_ready = true;
  // User roots copy the kernel's root entries (x86_64): the ones for the
  // dynamic region must exist before the first user root does.
  if (!kernel_page_table().populate_top_level(arch::kKernelDynamicBase, arch::kKernelDynamicSize))
    recovery::panic("mm: cannot build the dynamic region's top-level tables");
  heaps::init();
  const FrameStats s = fa.stats();
  KLOG_INFO("mm: %lu MiB in %lu frames, %zu KiB of frame metadata",
            static_cast<unsigned long>(s.total_frames >> 8),
            static_cast<unsigned long>(s.total_frames), meta_size >> 10);
}

PageTable& kernel_page_table() {
  KASSERT(g_ready);
  return *std::launder(reinterpret_cast<PageTable*>(g_kernel_table));
}

Result<PageTable> new_page_table(uint16_t asid) { return PageTable::create(g_table_memory, asid); }

Result<PageTable> new_user_page_table(uint16_t asid) {
  return PageTable::create_user(g_table_memory, asid, arch::kernel_table_root());
}

size_t page_table_frames() { return g_table_memory.live(); }

}  // namespace mm
