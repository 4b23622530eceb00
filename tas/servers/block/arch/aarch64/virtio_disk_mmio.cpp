// The virtio-blk disk on QEMU virt: a virtio-mmio slot (virtio_disk.h).
#include "drivers/virtio/virtio_mmio_transport.h"
#include "lib/log.h"
#include "runtime/sys.h"
#include "servers/block/virtio_blk.h"
#include "servers/block/virtio_disk.h"

namespace tas::block {
namespace {

constexpr uint64_t kSlotsPhys = 0x0a000000;  // QEMU virt's VIRT_MMIO
constexpr unsigned kSlots = 32;
constexpr size_t kSlotsSize = kSlots * virtio::MmioTransport::kSlotSize;  // 16 KiB
constexpr unsigned kFirstLine = 32 + 16;                                  // SPI 16 is slot 0's

}  // namespace

Result<virtio::Transport*> find_virtio_disk(rebound_handle devices, Holdings& holdings) {
  TRY(address, value(RB_SYS5(REBOUND_SYS_DEVICE_MAP, devices, kSlotsPhys, kSlotsSize, 0,
                             REBOUND_VM_READ | REBOUND_VM_WRITE)));
  auto* slots = reinterpret_cast<volatile uint8_t*>(address);
  for (unsigned i = kSlots; i-- > 0;) {  // QEMU fills them from the top
    volatile uint8_t* registers = slots + i * virtio::MmioTransport::kSlotSize;
    const virtio::MmioTransport::Probe p = virtio::MmioTransport::probe(registers);
    if (p.device_id != VirtioBlk::kDeviceType) continue;
    if (p.version != 2) {
      KLOG_WARN(
          "block: virtio-mmio slot %u holds a legacy disk (version %u): run QEMU with "
          "-global virtio-mmio.force-legacy=false",
          i, p.version);
      RB_SYS3(REBOUND_SYS_VM_UNMAP, address, kSlotsSize, 0);
      return fail(Error::not_supported);
    }
    if (auto kept = holdings.keep_mapping(address, kSlotsSize); !kept) {
      RB_SYS3(REBOUND_SYS_VM_UNMAP, address, kSlotsSize, 0);
      return fail(kept.error());
    }
    KLOG_INFO("block: virtio-mmio slot %u (0x%lx), line %u", i,
              static_cast<unsigned long>(kSlotsPhys + i * virtio::MmioTransport::kSlotSize),
              kFirstLine + i);
    return new virtio::MmioTransport(registers, kFirstLine + i);
  }
  RB_SYS3(REBOUND_SYS_VM_UNMAP, address, kSlotsSize, 0);
  return fail(Error::not_found);
}

}  // namespace tas::block
