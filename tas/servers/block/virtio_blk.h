// The virtio-blk disk (virtio 1.x, section 5.2) behind the block server's
// BlockDevice, over any transport (drivers/virtio/virtio_transport.h) and
// one split virtqueue (drivers/virtio/virtqueue.h), the request queue.
//
// Memory the device reaches is DMA memory (drivers/dma_memory.h, 256 KiB,
// kept across restarts): the virtqueue, one header and status byte per
// request slot, and one bounce buffer of kChunkSectors per slot. The
// caller's memory is never given to the device: data is copied through the
// slot's buffer, so a caller's buffer may be anywhere (its heap, a grant),
// and a request abandoned by its caller (a fault, a timeout) writes into
// memory the driver still owns.
//
// Several requests in flight: any number of threads call read/write/flush
// at once (in-TAS calls from other servers, the block server's own request
// thread). Each request takes a free slot (yielding while every slot is
// taken), and under the driver's lock puts its chain -- header, data,
// status -- in the available ring and notifies the device. Then its caller
// sleeps in the kernel until the request is done, without spinning (a
// spinning vCPU takes the host CPU QEMU needs to complete the request): it
// calls the driver's completion endpoint with its slot, whose thread
// ("virtio-blk-wait") answers at once if the slot is done and else saves
// the reply (IPC_REPLY_SAVE). The driver thread ("virtio-blk") waits on
// the device's interrupt (an interrupt object), reads and acknowledges the
// interrupt's cause at the device, takes every used chain out of the used
// ring, marks its slot done and sends its saved reply (IPC_REPLY_SEND),
// then acknowledges the interrupt object (INTERRUPT_ACK). A request is
// split into chunks of up to kChunkSectors, one after the other.
//
// Errors: the device's status byte -- VIRTIO_BLK_S_IOERR is
// Error::io_error, VIRTIO_BLK_S_UNSUPP Error::not_supported; no free slot
// for kTimeoutNs is Error::io_error. Ranges are the block server's to check
// (the device itself answers IOERR past its end). A request the device
// never completes keeps its caller waiting: the supervisor finds the block
// server's request loop (or the calling server) hung and restarts it; the
// waits of the old generation then end (server_restarted, peer_closed).
// Writes to a read-only device (VIRTIO_BLK_F_RO) are Error::access_denied.
// Flush is VIRTIO_BLK_T_FLUSH when the device offers VIRTIO_BLK_F_FLUSH,
// else nothing: such a device writes through.
//
// Restarts: open() starts with a reset of the device, so whatever the
// generation before left in flight is dropped; the interrupt object, the
// completion endpoint, both threads, the saved replies and the mappings
// are in the generation's holdings.
#pragma once
#include <atomic>

#include "drivers/dma_memory.h"
#include "drivers/virtio/virtio_transport.h"
#include "drivers/virtio/virtqueue.h"
#include "runtime/spin_lock.h"
#include "servers/block/block_device.h"

namespace mm {
class Heap;
}

namespace tas::block {

class VirtioBlk final : public BlockDevice {
 public:
  static constexpr uint32_t kDeviceType = 2;
  static constexpr size_t kDmaSize = 256 << 10;
  static constexpr unsigned kDmaKey = 1;       // in the block server's Lasting
  static constexpr size_t kChunkSectors = 32;  // 16 KiB per slot
  static constexpr unsigned kMaxSlots = 15;
  static constexpr uint64_t kTimeoutNs = 1'000'000'000;  // waiting for a free slot
  // Request types (section 5.2.6).
  static constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4;

  struct Stats {
    uint64_t interrupts, requests, most_in_flight, device_errors;
  };

  // Sets the device behind `transport` up: reset, features (FLUSH, RO),
  // the request queue in the DMA memory kept in `lasting`, DRIVER_OK; binds
  // its interrupt and starts the driver thread, allocating from `heap` --
  // all held in `holdings`. Error::not_supported: not a device this driver
  // can use (no VERSION_1, no request queue).
  static Result<VirtioBlk*> open(virtio::Transport& transport, rebound_handle devices,
                                 Lasting& lasting, Holdings& holdings, mm::Heap& heap);

  uint64_t sectors() const override { return sectors_; }
  Result<void> read(uint64_t first, void* data, size_t count) override;
  Result<void> write(uint64_t first, const void* data, size_t count) override;
  Result<void> flush() override;
  const char* kind() const override { return "virtio-blk"; }

  Stats stats() const;
  // Starts counting the most requests in flight at once afresh.
  void reset_most_in_flight();
  // One request of `type` for sectors [first, first + count) (count up to
  // kChunkSectors; data copied neither way), with no range check: what the
  // device answers. For tests of the device's refusals.
  Result<void> raw_request(uint32_t type, uint64_t first, size_t count);

 private:
  // A request slot: its header, status byte and buffer in DMA memory.
  struct Slot {
    enum : uint8_t { kFree, kTaken, kSubmitted, kDone, kAbandoned };
    std::atomic<uint8_t> state{kFree};
    uint16_t head = 0;
    rebound_handle reply = 0;  // its waiter's, saved until it is done (lock held)
  };
  class SlotGuard;

  VirtioBlk(virtio::Transport& transport, DmaMemory dma, Holdings& holdings)
      : transport_(transport), dma_(dma), holdings_(holdings) {}
  Result<void> take(rebound_handle handle);  // into the holdings, or closed
  Result<void> set_up(uint64_t features);
  Result<unsigned> take_slot();
  // One chunk through slot `slot`: submits, waits, copies, frees.
  Result<void> transfer(uint32_t type, uint64_t first, void* in, const void* out, size_t count);
  Result<void> submit(unsigned slot, uint32_t type, uint64_t first, size_t count);
  Result<void> wait(unsigned slot);
  void reap();  // the used ring: slots done, their waiters answered (lock held)
  static void driver_main(void* self);
  void drive();
  static void waits_main(void* self);
  void serve_waits();
  uint8_t* header(unsigned slot) const;
  uint8_t* status_byte(unsigned slot) const;
  uint8_t* buffer(unsigned slot) const;

  virtio::Transport& transport_;
  const DmaMemory dma_;
  Holdings& holdings_;
  rebound_handle interrupt_ = 0;
  rebound_handle completions_ = 0;  // the completion endpoint (call and receive)
  uint64_t sectors_ = 0;
  bool can_flush_ = false, read_only_ = false;
  unsigned slot_count_ = 0;
  mutable SpinLock lock_;  // the virtqueue, slot states going to kDone, the counters
  virtio::Virtqueue queue_;
  Slot slots_[kMaxSlots];
  uint8_t slot_of_head_[virtio::Virtqueue::kMaxSize] = {};
  unsigned in_flight_ = 0;
  std::atomic<uint64_t> interrupts_{0};
  uint64_t requests_ = 0, most_in_flight_ = 0, device_errors_ = 0;
};

}  // namespace tas::block
