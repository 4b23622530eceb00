#include "servers/block/virtio_blk.h"

#include "lib/log.h"
#include "runtime/serve.h"
#include "runtime/sys.h"

namespace tas::block {
namespace {

// Feature bits (section 5.2.3).
constexpr uint64_t kFeatureReadOnly = uint64_t{1} << 5, kFeatureFlush = uint64_t{1} << 9;
// Status byte values (section 5.2.6).
constexpr uint8_t kStatusOk = 0, kStatusIoError = 1, kStatusUnsupported = 2;
constexpr uint8_t kStatusNone = 0xff;  // not written by the device yet

constexpr uint16_t kRequestQueue = 0;
constexpr uint16_t kQueueSize = 64;  // at most: 15 slots of 3 descriptors
constexpr size_t kHeaderSize = 16;   // le32 type, le32 reserved, le64 sector
// DMA memory: the queue, then headers and status bytes, then the buffers.
constexpr size_t kHeadersAt = 2048, kStatusesAt = kHeadersAt + 16 * kHeaderSize;
constexpr size_t kBuffersAt = 4096;
constexpr size_t kChunkBytes = VirtioBlk::kChunkSectors * kSectorSize;
static_assert(virtio::Virtqueue::bytes(kQueueSize) <= kHeadersAt);
static_assert(kStatusesAt + VirtioBlk::kMaxSlots <= kBuffersAt);
static_assert(kBuffersAt + VirtioBlk::kMaxSlots * kChunkBytes <= VirtioBlk::kDmaSize);

Error error_of(uint8_t status) {
  switch (status) {
    case kStatusUnsupported: return Error::not_supported;
    case kStatusIoError:
    default: return Error::io_error;  // or a status the device should not give
  }
}

void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

// Gives a slot back however its request ends: free if the device is done
// with it (or never had it), abandoned -- freed when the device completes
// it -- if it is still out.
class VirtioBlk::SlotGuard {
 public:
  SlotGuard(VirtioBlk& disk, unsigned slot) : disk_(disk), slot_(disk.slots_[slot]) {}
  ~SlotGuard() {
    if (slot_.state.load(std::memory_order_acquire) == Slot::kSubmitted) {
      Locked locked(disk_.lock_);
      if (slot_.state.load(std::memory_order_relaxed) == Slot::kSubmitted) {
        slot_.state.store(Slot::kAbandoned, std::memory_order_relaxed);
        return;
      }
    }
    slot_.state.store(Slot::kFree, std::memory_order_release);
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  VirtioBlk& disk_;
  Slot& slot_;
};

Result<VirtioBlk*> VirtioBlk::open(virtio::Transport& transport, rebound_handle devices,
                                   Lasting& lasting, Holdings& holdings, mm::Heap& heap) {
  TRY(dma, map_dma_memory(devices, lasting, kDmaKey, kDmaSize, holdings));
  // First of all a reset: the device drops whatever an earlier generation
  // left in flight, and stops using the DMA memory before it is laid out
  // again.
  TRY(features, virtio::negotiate(transport, kFeatureFlush | kFeatureReadOnly));
  auto* disk = new VirtioBlk(transport, dma, holdings);
  if (auto r = disk->set_up(features); !r) {
    transport.set_status(virtio::status::kFailed);
    return fail(r.error());
  }
  TRY(interrupt, value(RB_SYS2(REBOUND_SYS_INTERRUPT_CREATE, devices, transport.interrupt_line())));
  disk->interrupt_ = static_cast<rebound_handle>(interrupt);
  TRY_VOID(disk->take(disk->interrupt_));
  TRY(endpoint, value(RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE)));
  disk->completions_ = static_cast<rebound_handle>(endpoint);
  TRY_VOID(disk->take(disk->completions_));
  TRY_VOID(holdings.start_thread("virtio-blk", &heap, driver_main, disk));
  TRY_VOID(holdings.start_thread("virtio-blk-wait", &heap, waits_main, disk));
  virtio::driver_ok(transport);
  return disk;
}

Result<void> VirtioBlk::take(rebound_handle handle) {
  if (auto kept = holdings_.keep_handle(handle); !kept) {
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, handle);
    return fail(kept.error());
  }
  return {};
}

Result<void> VirtioBlk::set_up(uint64_t features) {
  can_flush_ = (features & kFeatureFlush) != 0;
  read_only_ = (features & kFeatureReadOnly) != 0;
  uint16_t size = transport_.queue_max_size(kRequestQueue);
  if (size == 0) return fail(Error::not_supported);
  if (size > kQueueSize) size = kQueueSize;
  while ((size & (size - 1)) != 0) size &= static_cast<uint16_t>(size - 1);  // a power of two
  slot_count_ = size / 3 < kMaxSlots ? size / 3 : kMaxSlots;
  if (slot_count_ == 0) return fail(Error::not_supported);
  TRY_VOID(queue_.init(dma_.memory, dma_.phys, size));
  transport_.enable_queue(kRequestQueue, size, queue_.descriptors_phys(), queue_.available_phys(),
                          queue_.used_phys());
  sectors_ = virtio::config_read64(transport_, 0);  // capacity, in 512-byte sectors
  return {};
}

uint8_t* VirtioBlk::header(unsigned slot) const {
  return dma_.memory + kHeadersAt + slot * kHeaderSize;
}
uint8_t* VirtioBlk::status_byte(unsigned slot) const { return dma_.memory + kStatusesAt + slot; }
uint8_t* VirtioBlk::buffer(unsigned slot) const {
  return dma_.memory + kBuffersAt + slot * kChunkBytes;
}

Result<void> VirtioBlk::read(uint64_t first, void* data, size_t count) {
  auto* to = static_cast<uint8_t*>(data);
  while (count > 0) {
    const size_t n = count < kChunkSectors ? count : kChunkSectors;
    TRY_VOID(transfer(kTypeIn, first, to, nullptr, n));
    first += n, to += n * kSectorSize, count -= n;
  }
  return {};
}

Result<void> VirtioBlk::write(uint64_t first, const void* data, size_t count) {
  if (read_only_) return fail(Error::access_denied);
  const auto* from = static_cast<const uint8_t*>(data);
  while (count > 0) {
    const size_t n = count < kChunkSectors ? count : kChunkSectors;
    TRY_VOID(transfer(kTypeOut, first, nullptr, from, n));
    first += n, from += n * kSectorSize, count -= n;
  }
  return {};
}

Result<void> VirtioBlk::flush() {
  if (!can_flush_) return {};  // the device writes through
  return transfer(kTypeFlush, 0, nullptr, nullptr, 0);
}

Result<void> VirtioBlk::raw_request(uint32_t type, uint64_t first, size_t count) {
  if (count > kChunkSectors) return fail(Error::invalid_argument);
  return transfer(type, first, nullptr, nullptr, count);
}

Result<unsigned> VirtioBlk::take_slot() {
  const uint64_t deadline = rb_clock() + kTimeoutNs;
  for (unsigned tries = 0;; ++tries) {
    {
      Locked locked(lock_);
      for (unsigned i = 0; i < slot_count_; ++i) {
        if (slots_[i].state.load(std::memory_order_acquire) == Slot::kFree) {
          slots_[i].state.store(Slot::kTaken, std::memory_order_relaxed);
          return i;
        }
      }
    }
    // Every slot in flight (or abandoned to a device that does not answer).
    if (tries % 64 == 63 && rb_clock() > deadline) return fail(Error::io_error);
    rb_yield();
  }
}

Result<void> VirtioBlk::transfer(uint32_t type, uint64_t first, void* in, const void* out,
                                 size_t count) {
  TRY(slot, take_slot());
  SlotGuard guard(*this, slot);
  if (out != nullptr) __builtin_memcpy(buffer(slot), out, count * kSectorSize);
  {
    Locked locked(lock_);
    TRY_VOID(submit(slot, type, first, count));
  }
  TRY_VOID(wait(slot));
  const uint8_t status = *static_cast<volatile uint8_t*>(status_byte(slot));
  if (status != kStatusOk) {
    Locked locked(lock_);
    ++device_errors_;
    return fail(error_of(status));
  }
  if (in != nullptr) __builtin_memcpy(in, buffer(slot), count * kSectorSize);
  return {};
}

// The chain: header (the device reads it), the data (the device writes it
// for IN, reads it for OUT; none for FLUSH), the status byte.
Result<void> VirtioBlk::submit(unsigned slot, uint32_t type, uint64_t first, size_t count) {
  uint8_t* h = header(slot);
  put_le32(h, type);
  put_le32(h + 4, 0);
  put_le64(h + 8, first);
  *static_cast<volatile uint8_t*>(status_byte(slot)) = kStatusNone;
  virtio::Virtqueue::Buffer chain[3];
  unsigned n = 0;
  chain[n++] = {dma_.phys + kHeadersAt + slot * kHeaderSize, kHeaderSize, false};
  if (count > 0)
    chain[n++] = {dma_.phys + kBuffersAt + slot * kChunkBytes,
                  static_cast<uint32_t>(count * kSectorSize), type == kTypeIn};
  chain[n++] = {dma_.phys + kStatusesAt + slot, 1, true};
  TRY(head, queue_.add(chain, n));
  slots_[slot].head = head;
  slot_of_head_[head] = static_cast<uint8_t>(slot);
  slots_[slot].state.store(Slot::kSubmitted, std::memory_order_release);
  ++requests_;
  if (++in_flight_ > most_in_flight_) most_in_flight_ = in_flight_;
  transport_.notify(kRequestQueue);
  return {};
}

// Until the driver thread has seen the slot's chain in the used ring:
// asleep in a call to the completion endpoint, answered then.
Result<void> VirtioBlk::wait(unsigned slot) {
  rb_message m{{slot, 0, 0, 0, 0, 0}, 0};
  if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_CALL, completions_, &m); e != 0)
    return fail(static_cast<Error>(e));  // the generation is going (peer_closed)
  if (m.w[0] != 0) return fail(static_cast<Error>(m.w[0]));  // server_restarted
  return {};
}

void VirtioBlk::reap() {
  uint16_t head;
  uint32_t written;
  while (queue_.take_used(head, written)) {
    Slot& s = slots_[slot_of_head_[head]];
    --in_flight_;
    // A request whose caller has gone frees its slot only now.
    if (s.state.load(std::memory_order_relaxed) == Slot::kAbandoned) {
      s.state.store(Slot::kFree, std::memory_order_release);
      continue;
    }
    s.state.store(Slot::kDone, std::memory_order_release);
    if (s.reply != 0) {
      const rebound_handle reply = s.reply;
      s.reply = 0;
      holdings_.forget_reply(reply);
      rb_message m = ok_reply();
      if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, reply, &m); e != 0)
        KLOG_WARN("virtio-blk: a waiter's reply failed: %s",
                  rebound::to_string(static_cast<Error>(e)));
    }
  }
}

VirtioBlk::Stats VirtioBlk::stats() const {
  Locked locked(lock_);
  return Stats{interrupts_.load(), requests_, most_in_flight_, device_errors_};
}

void VirtioBlk::reset_most_in_flight() {
  Locked locked(lock_);
  most_in_flight_ = in_flight_;
}

void VirtioBlk::driver_main(void* self) { static_cast<VirtioBlk*>(self)->drive(); }

// The interrupt's cause is read (which lowers the device's line) before the
// used ring: a chain used after that raises the line again, and the line,
// level-triggered, fires again as soon as it is acknowledged.
void VirtioBlk::drive() {
  for (;;) {
    transport_.take_interrupt();
    {
      Locked locked(lock_);
      reap();
    }
    if (const uint64_t e = RB_SYS1(REBOUND_SYS_INTERRUPT_ACK, interrupt_).error; e != 0) {
      KLOG_ERROR("virtio-blk: the interrupt failed: %s", rebound::to_string(static_cast<Error>(e)));
      return;
    }
    const rb_result waited = RB_SYS1(REBOUND_SYS_INTERRUPT_WAIT, interrupt_);
    if (waited.error != 0) {
      KLOG_ERROR("virtio-blk: the interrupt failed: %s",
                 rebound::to_string(static_cast<Error>(waited.error)));
      return;
    }
    interrupts_.fetch_add(1, std::memory_order_relaxed);
  }
}

void VirtioBlk::waits_main(void* self) { static_cast<VirtioBlk*>(self)->serve_waits(); }

// A waiter's call names its slot: answered at once if the slot is done,
// else its reply is saved for the driver thread (held by the generation:
// a restart answers it with server_restarted).
void VirtioBlk::serve_waits() {
  rb_message m{};
  for (;;) {
    // Replies to the last call, if it is still owed, and takes the next.
    if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, completions_, &m); e != 0) {
      KLOG_ERROR("virtio-blk: the completion endpoint failed: %s",
                 rebound::to_string(static_cast<Error>(e)));
      return;
    }
    const uint64_t slot = m.w[0];
    Locked locked(lock_);
    const uint8_t state = slot < slot_count_ ? slots_[slot].state.load(std::memory_order_acquire)
                                             : uint8_t{Slot::kFree};
    if (state == Slot::kDone) {
      m = ok_reply();
    } else if (state != Slot::kSubmitted || slots_[slot].reply != 0) {
      m = status_reply(Error::invalid_argument);
    } else {
      const rb_result saved = RB_SYS0(REBOUND_SYS_IPC_REPLY_SAVE);
      if (saved.error != 0) {
        m = status_reply(static_cast<Error>(saved.error));
        continue;
      }
      const auto reply = static_cast<rebound_handle>(saved.value);
      if (auto kept = holdings_.keep_reply(reply); !kept) {
        m = status_reply(kept.error());
        rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, reply, &m);
      } else {
        slots_[slot].reply = reply;
      }
      m = ok_reply();  // nothing is owed now: goes nowhere
    }
  }
}

}  // namespace tas::block
