#include "mm/boot_table_pool.h"

#include "arch/arch.h"
#include "recovery/panic.h"

namespace mm {
namespace {
constexpr int kPoolPages = 64;
alignas(4096) uint64_t g_pool[kPoolPages][512];  // zeroed: it is in .bss
int g_used = 0;
}  // namespace

uint64_t* boot_table_page() {
  if (g_used == kPoolPages) recovery::panic("mmu: out of boot page-table pages");
  return g_pool[g_used++];
}

bool boot_table_pool_contains(uint64_t phys) {
  const uint64_t first = arch::virt_to_phys(reinterpret_cast<uintptr_t>(g_pool));
  return phys >= first && phys < first + sizeof g_pool;
}

}  // namespace mm
