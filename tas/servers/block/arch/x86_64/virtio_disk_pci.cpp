// The virtio-blk disk on QEMU q35: a virtio PCI function on bus 0
// (virtio_disk.h).
#include "drivers/pci/arch/x86_64/pci_config_ports.h"
#include "drivers/virtio/virtio_pci_transport.h"
#include "lib/log.h"
#include "servers/block/virtio_blk.h"
#include "servers/block/virtio_disk.h"

namespace tas::block {
namespace {

constexpr unsigned kFirstPirqGsi = 16;     // PIRQ A; the I/O APIC's inputs 16-23
constexpr uint8_t kFirstChipsetSlot = 25;  // whose routing the chipset's registers set

// The GSI of the INTx pin of a function in `slot` on q35 (APIC mode).
Result<unsigned> q35_gsi(uint8_t slot, uint8_t pin) {
  if (pin < 1 || pin > 4 || slot >= kFirstChipsetSlot) return fail(Error::not_supported);
  return kFirstPirqGsi + (slot + pin - 1u) % 4 + 4;
}

}  // namespace

Result<virtio::Transport*> find_virtio_disk(rebound_handle devices, Holdings& holdings) {
  TRY(config, pci::PortConfigSpace::open(devices));
  for (uint8_t device = 0; device < 32; ++device) {
    for (uint8_t function = 0; function < 8; ++function) {
      const pci::Function f{0, device, function};
      if (config->read16(f, pci::kVendorId) == pci::kNoVendor) {
        if (function == 0) break;
        continue;
      }
      const bool multifunction = (config->read8(f, pci::kHeaderType) & pci::kHeaderMultifunction);
      if (virtio::PciTransport::device_type(*config, f) == VirtioBlk::kDeviceType) {
        const uint8_t pin = config->read8(f, pci::kInterruptPin);
        TRY(gsi, q35_gsi(device, pin));
        KLOG_INFO("block: virtio-pci %02x:%02x.%x, INT%c# at GSI %u", 0, device, function,
                  'A' + pin - 1, gsi);
        return virtio::PciTransport::open(*config, f, devices, holdings, gsi);
      }
      if (function == 0 && !multifunction) break;
    }
  }
  return fail(Error::not_found);
}

}  // namespace tas::block
