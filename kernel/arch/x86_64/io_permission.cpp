#include "arch/x86_64/io_permission.h"

#include "arch/arch.h"
#include "arch/x86_64/gdt.h"
#include "core/cpu_local.h"

namespace arch::x86_64 {
namespace {

struct PerCpu {
  uint64_t generation = 0;   // the IoPortSet the bitmap holds (0: none)
  uint32_t dirty_bytes = 0;  // the bitmap's bytes from 0 that may have a clear bit
};
PerCpu g_cpus[kMaxCpus];

void load(PerCpu& cpu, const core::IoPortSet& ports) {
  uint8_t* bitmap = io_bitmap();
  __builtin_memset(bitmap, 0xff, cpu.dirty_bytes);
  uint32_t dirty = 0;
  for (unsigned i = 0; i < ports.size(); ++i) {
    const uint32_t end = ports[i].first + ports[i].count;
    for (uint32_t p = ports[i].first; p < end; ++p)
      bitmap[p / 8] = static_cast<uint8_t>(bitmap[p / 8] & ~(1u << (p % 8)));
    if ((end + 7) / 8 > dirty) dirty = (end + 7) / 8;
  }
  cpu.dirty_bytes = dirty;
  cpu.generation = ports.generation();
}

}  // namespace

void io_permission_revoke() { set_io_bitmap_active(false); }

bool io_permission_fault(const core::IoPortSet* ports) {
  if (ports == nullptr || ports->empty()) return false;
  PerCpu& cpu = g_cpus[core::this_cpu().id];
  if (io_bitmap_active() && cpu.generation == ports->generation()) return false;
  if (cpu.generation != ports->generation()) load(cpu, *ports);
  set_io_bitmap_active(true);
  return true;
}

}  // namespace arch::x86_64
