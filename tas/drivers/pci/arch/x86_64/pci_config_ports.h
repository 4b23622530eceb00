// PCI configuration space through the PC's configuration mechanism #1: the
// address port 0xcf8 (enable bit, bus, device, function, register) and the
// data port 0xcfc, which the TAS gets with IO_PORTS_ALLOW. An address and
// its data access are a pair: a lock keeps two threads' pairs apart.
#pragma once
#include "drivers/pci/pci_config.h"
#include "lib/result.h"
#include "rebound/syscall.h"
#include "runtime/spin_lock.h"

namespace tas::pci {

class PortConfigSpace final : public ConfigSpace {
 public:
  // The configuration space of the machine, once its ports are the TAS's
  // (through the device capability `devices`; again is harmless).
  static Result<PortConfigSpace*> open(rebound_handle devices);

  uint32_t read32(Function f, uint16_t offset) override;
  void write16(Function f, uint16_t offset, uint16_t value) override;

 private:
  SpinLock lock_;
};

}  // namespace tas::pci
