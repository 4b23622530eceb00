// PCI configuration space, as a driver in the TAS reads it: the registers of
// a function (bus, device, function) through whichever access mechanism the
// machine has. x86_64 uses the legacy configuration ports 0xcf8/0xcfc
// (arch/x86_64/pci_config_ports.h): QEMU q35's ECAM window (0xb0000000)
// lies in a range its e820 map reserves, which DEVICE_MAP refuses. Only
// the standard header (256 bytes) is reached.
#pragma once
#include <cstdint>

namespace tas::pci {

struct Function {
  uint8_t bus, device, function;
};

// Registers of the standard header (type 0).
constexpr uint16_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06;
constexpr uint16_t kHeaderType = 0x0e, kBar0 = 0x10, kSubsystemId = 0x2e;
constexpr uint16_t kCapabilities = 0x34, kInterruptLine = 0x3c, kInterruptPin = 0x3d;
constexpr uint16_t kCommandMemory = 1 << 1, kCommandBusMaster = 1 << 2;
constexpr uint16_t kCommandIntxDisable = 1 << 10;
constexpr uint16_t kStatusCapabilities = 1 << 4;
constexpr uint8_t kHeaderMultifunction = 0x80;
constexpr uint16_t kNoVendor = 0xffff;

class ConfigSpace {
 public:
  // `offset` aligned to the access's size, below 256.
  virtual uint32_t read32(Function f, uint16_t offset) = 0;
  virtual void write16(Function f, uint16_t offset, uint16_t value) = 0;

  uint16_t read16(Function f, uint16_t offset) {
    return static_cast<uint16_t>(read32(f, offset & 0xfc) >> (8 * (offset & 2)));
  }
  uint8_t read8(Function f, uint16_t offset) {
    return static_cast<uint8_t>(read32(f, offset & 0xfc) >> (8 * (offset & 3)));
  }

  // The address of memory BAR `bar` (32- or 64-bit; a 64-bit BAR takes the
  // next one too), or 0 for an I/O BAR or one firmware left unassigned.
  uint64_t memory_bar(Function f, unsigned bar);

 protected:
  ~ConfigSpace() = default;
};

}  // namespace tas::pci
