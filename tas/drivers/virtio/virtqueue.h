// A split virtqueue (virtio 1.x, section 2.7): the descriptor table, the
// available ring (driver to device) and the used ring (device to driver),
// in DMA memory the driver gives the device by physical address. The same
// for every transport (virtio-mmio, virtio-pci) and every device: the queue
// knows nothing of what the buffers hold.
//
// What the driver keeps for itself is outside the shared memory: the free
// descriptors, each chain's length, which heads are out -- so a device that
// writes nonsense into its used ring cannot make the driver free a
// descriptor twice (a used element that names no chain out is counted and
// dropped). Not thread-safe: its user serialises add and take_used (the
// virtio-blk driver holds its lock).
//
// Portable (host-tested: tests/host/test_virtqueue.cpp); memory ordering is
// the C++ one (a release store publishes the available index, an acquire
// load reads the used index); the transport puts a full barrier before it
// notifies the device.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace tas::virtio {

class Virtqueue {
 public:
  static constexpr uint16_t kMaxSize = 256;

  // A buffer of a chain: where the device finds it, its size, and whether
  // the device writes it (else it reads it).
  struct Buffer {
    uint64_t phys;
    uint32_t size;
    bool device_writes;
  };

  // Bytes of DMA memory a queue of `size` entries takes (descriptor table,
  // available ring, used ring; each aligned as the specification asks).
  static constexpr size_t bytes(uint16_t size) { return used_offset(size) + 6 + size_t{8} * size; }

  // Lays the queue out in `memory` (bytes(size) of it, 16-byte aligned),
  // which the device sees at `phys`: zeroed, every descriptor free.
  // Error::invalid_argument unless size is a power of two up to kMaxSize.
  Result<void> init(void* memory, uint64_t phys, uint16_t size);

  uint16_t size() const { return size_; }
  uint64_t descriptors_phys() const { return phys_; }
  uint64_t available_phys() const { return phys_ + available_offset(size_); }
  uint64_t used_phys() const { return phys_ + used_offset(size_); }
  unsigned free_descriptors() const { return free_count_; }

  // Puts a chain of `n` buffers (1..size) in the available ring; the device
  // learns of it when the transport notifies it. Returns the chain's head,
  // which the used ring names when the device is done with it.
  // Error::limit_reached: fewer than n descriptors are free;
  // invalid_argument: n is 0.
  Result<uint16_t> add(const Buffer* buffers, unsigned n);

  // The next chain the device has used, if there is one: its head and how
  // many bytes the device wrote into it. Its descriptors are free again.
  bool take_used(uint16_t& head, uint32_t& written);

  // Used elements that named no chain out (a broken device), dropped.
  uint64_t bad_used() const { return bad_used_; }

 private:
  struct Descriptor {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
  };
  struct UsedElement {
    uint32_t id;
    uint32_t len;
  };
  static constexpr uint16_t kNext = 1, kWrite = 2;  // descriptor flags

  // Descriptors 16 bytes each (aligned 16), the available ring 6 + 2 * size
  // bytes (aligned 2), the used ring 6 + 8 * size bytes (aligned 4).
  static constexpr size_t available_offset(uint16_t size) { return size_t{16} * size; }
  static constexpr size_t used_offset(uint16_t size) {
    return (available_offset(size) + 6 + size_t{2} * size + 3) & ~size_t{3};
  }
  volatile uint16_t* available() const;  // flags, idx, ring[size], used_event
  volatile uint16_t* used_header() const;
  volatile UsedElement* used_ring() const;

  uint8_t* memory_ = nullptr;
  uint64_t phys_ = 0;
  uint16_t size_ = 0;
  volatile Descriptor* descriptors_ = nullptr;
  // The driver's own books: free list (through next_free_), chain lengths
  // by head (0: not out).
  uint16_t next_free_[kMaxSize] = {};
  uint16_t chain_length_[kMaxSize] = {};
  uint16_t free_head_ = 0;
  unsigned free_count_ = 0;
  uint16_t available_index_ = 0;  // the next available entry (wraps at 2^16)
  uint16_t used_index_ = 0;       // the next used entry to look at
  uint64_t bad_used_ = 0;
};

}  // namespace tas::virtio
