#include "drivers/pci/arch/x86_64/pci_config_ports.h"

#include "runtime/sys.h"

namespace tas::pci {
namespace {

constexpr uint16_t kAddressPort = 0xcf8, kDataPort = 0xcfc;

uint32_t address_of(Function f, uint16_t offset) {
  return uint32_t{1} << 31 | uint32_t{f.bus} << 16 | uint32_t{f.device & 0x1fu} << 11 |
         uint32_t{f.function & 0x7u} << 8 | (offset & 0xfcu);
}

void out32(uint16_t port, uint32_t v) { asm volatile("outl %0, %w1" ::"a"(v), "Nd"(port)); }
uint32_t in32(uint16_t port) {
  uint32_t v;
  asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
void out16(uint16_t port, uint16_t v) { asm volatile("outw %0, %w1" ::"a"(v), "Nd"(port)); }

PortConfigSpace g_config_space;

}  // namespace

Result<PortConfigSpace*> PortConfigSpace::open(rebound_handle devices) {
  TRY_VOID(check(RB_SYS3(REBOUND_SYS_IO_PORTS_ALLOW, devices, kAddressPort, 8).error));
  return &g_config_space;
}

uint32_t PortConfigSpace::read32(Function f, uint16_t offset) {
  Locked locked(lock_);
  out32(kAddressPort, address_of(f, offset));
  return in32(kDataPort);
}

void PortConfigSpace::write16(Function f, uint16_t offset, uint16_t value) {
  Locked locked(lock_);
  out32(kAddressPort, address_of(f, offset));
  out16(static_cast<uint16_t>(kDataPort + (offset & 2)), value);
}

}  // namespace tas::pci
