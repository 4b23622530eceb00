// Where the machine's virtio-blk disk is, if one is attached: the board's
// part of the block server (one implementation per architecture, arch/):
//  - aarch64, QEMU virt: the 32 virtio-mmio slots at 0x0a000000 + 0x200 * i,
//    interrupt SPI 16 + i (line 48 + i); the first slot holding a block
//    device (QEMU fills the slots from the top: the first -device is in
//    slot 31). Modern slots only (version 2: QEMU's
//    `-global virtio-mmio.force-legacy=false`).
//  - x86_64, QEMU q35: the functions of PCI bus 0 (configuration ports
//    0xcf8/0xcfc), the first virtio block device; its INTx pin reaches the
//    I/O APIC at GSI 16 + PIRQ, q35 routing pin P (INTA = 0) of slot S to
//    PIRQ E-H: (S + P) % 4 + 4 (for slots below the chipset's own, 25-31).
#pragma once
#include "drivers/virtio/virtio_transport.h"
#include "rebound/syscall.h"
#include "runtime/holdings.h"

namespace tas::block {

// The disk's transport, on the current heap; its mappings go into
// `holdings`. Error::not_found: no disk attached; not_supported: one this
// driver cannot use (a legacy virtio-mmio slot), which the log says.
Result<virtio::Transport*> find_virtio_disk(rebound_handle devices, Holdings& holdings);

}  // namespace tas::block
