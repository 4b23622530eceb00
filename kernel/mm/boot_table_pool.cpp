#include "mm/boot_table_pool.h"

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

}  // namespace mm
