#include "drivers/pci/pci_config.h"

namespace tas::pci {

uint64_t ConfigSpace::memory_bar(Function f, unsigned bar) {
  if (bar > 5) return 0;
  const auto offset = static_cast<uint16_t>(kBar0 + 4 * bar);
  const uint32_t low = read32(f, offset);
  if ((low & 1) != 0) return 0;  // I/O space
  uint64_t address = low & ~uint32_t{0xf};
  if (((low >> 1) & 3) == 2) {  // 64-bit
    if (bar == 5) return 0;
    address |= uint64_t{read32(f, static_cast<uint16_t>(offset + 4))} << 32;
  }
  return address;
}

}  // namespace tas::pci
