#include "mm/device_memory.h"

#include "lib/align.h"
#include "lib/spinlock.h"
#include "mm/kernel_memory.h"
#include "mm/virtual_layout.h"

namespace mm {
namespace {
lib::SpinLock g_lock;
uintptr_t g_next = kDevicesBase;  // bump allocation: mappings are never removed

// What map_device mapped (physical, page-rounded): the kernel maps a few
// controllers at boot. A mapping that could not be recorded is refused.
struct Range {
  PhysAddr first;
  size_t bytes;
};
constexpr size_t kMaxRanges = 16;
Range g_ranges[kMaxRanges];
size_t g_range_count = 0;
}  // namespace

Result<uintptr_t> map_device(PhysAddr phys, size_t size) {
  const PhysAddr first = lib::align_down(phys, PhysAddr{kPageSize});
  const size_t bytes = lib::align_up(phys + size, PhysAddr{kPageSize}) - first;
  if (size == 0) return fail(Error::invalid_argument);
  lib::LockGuard guard(g_lock);
  if (bytes > kDevicesBase + kDevicesSize - g_next) return fail(Error::no_memory);
  if (g_range_count == kMaxRanges) return fail(Error::limit_reached);
  TRY_VOID(kernel_page_table().map(g_next, first, bytes, perm::read | perm::write | perm::device));
  const uintptr_t va = g_next + (phys - first);
  g_next += bytes;
  g_ranges[g_range_count++] = Range{first, bytes};
  return va;
}

bool is_kernel_device(PhysAddr phys, size_t size) {
  lib::LockGuard guard(g_lock);
  for (size_t i = 0; i < g_range_count; ++i) {
    if (phys < g_ranges[i].first + g_ranges[i].bytes && g_ranges[i].first < phys + size)
      return true;
  }
  return false;
}

}  // namespace mm
