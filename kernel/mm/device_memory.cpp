#include "mm/device_memory.h"

#include "lib/align.h"
#include "lib/spinlock.h"
#include "mm/kernel_memory.h"
#include "mm/virtual_layout.h"

namespace mm {
namespace {
lib::SpinLock g_lock;
uintptr_t g_next = kDevicesBase;  // bump allocation: mappings are never removed
}  // namespace

Result<uintptr_t> map_device(PhysAddr phys, size_t size) {
  const PhysAddr first = lib::align_down(phys, PhysAddr{kPageSize});
  const size_t bytes = lib::align_up(phys + size, PhysAddr{kPageSize}) - first;
  if (size == 0) return fail(Error::invalid_argument);
  lib::LockGuard guard(g_lock);
  if (bytes > kDevicesBase + kDevicesSize - g_next) return fail(Error::no_memory);
  TRY_VOID(kernel_page_table().map(g_next, first, bytes, perm::read | perm::write | perm::device));
  const uintptr_t va = g_next + (phys - first);
  g_next += bytes;
  return va;
}

}  // namespace mm
