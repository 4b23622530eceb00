// Device lines on aarch64 (arch.h): GIC SPIs, routed to the boot CPU, each
// masked by disabling it at the distributor. The GIC keeps a level-triggered
// SPI pending while it is disabled, so a device that still asserts its line
// when the driver unmasks it interrupts again at once.
#include "arch/aarch64/device_lines.h"

#include "arch/aarch64/gic_v3.h"
#include "arch/arch.h"

namespace arch {
namespace {
using namespace aarch64;

uint64_t g_enabled[gic::kFirstSpecial / 64];  // by interrupt ID, under the big kernel lock

bool is_set(uint32_t intid) { return (g_enabled[intid / 64] >> (intid % 64) & 1) != 0; }
void set(uint32_t intid, bool on) {
  const uint64_t bit = uint64_t{1} << (intid % 64);
  g_enabled[intid / 64] = on ? g_enabled[intid / 64] | bit : g_enabled[intid / 64] & ~bit;
}

}  // namespace

Result<void> device_line_enable(unsigned line) {
  if (line < gic::kFirstSpi || line >= gic::lines()) return fail(Error::out_of_range);
  if (is_set(line)) return fail(Error::already_exists);
  gic::disable(line);  // masked while it is routed
  gic::route_spi_to_boot_cpu(line);
  set(line, true);
  gic::enable_spi(line);
  return {};
}

void device_line_disable(unsigned line) {
  if (line >= gic::kFirstSpecial || !is_set(line)) return;
  gic::disable(line);
  set(line, false);
}

void device_line_mask(unsigned line) {
  if (line < gic::kFirstSpecial && is_set(line)) gic::disable(line);
}

void device_line_unmask(unsigned line) {
  if (line < gic::kFirstSpecial && is_set(line)) gic::enable_spi(line);
}

bool device_line_masked(unsigned line) {
  return line < gic::kFirstSpi || line >= gic::kFirstSpecial || !gic::spi_enabled(line);
}

}  // namespace arch

namespace arch::aarch64 {
bool device_line_enabled(uint32_t intid) { return intid < gic::kFirstSpecial && is_set(intid); }
}  // namespace arch::aarch64
