// A thread's message buffer (IPC_BUFFER): two pages of a memory object,
// mapped read-write in the thread's address space for the thread's life.
// The first is the payload page, which the kernel also maps into the TAS
// (core/tas_buffer_area.h), so that a TAS server handling this thread's call
// reads and writes the payload in place. The second is the receive record
// (rebound_ipc_record), which the kernel writes through its own mapping of
// the frame whenever this thread takes a call in: where the caller's payload
// and grant are. Both mappings are kernel-placed: user code cannot unmap
// them, so nothing else ever lands at those addresses while the kernel
// thinks the buffer is there.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/address_space.h"
#include "core/memory_object.h"
#include "core/tas_buffer_area.h"
#include "rebound/ipc_bulk.h"

namespace core {

class MessageBuffer {
 public:
  static constexpr size_t kSize = 2 * mm::kPageSize;

  // A buffer in `space` (the calling thread's): both frames now, so that
  // writing the record never needs memory.
  static Result<MessageBuffer> create(AddressSpace& space);

  MessageBuffer(MessageBuffer&& o) noexcept = default;
  MessageBuffer& operator=(MessageBuffer&&) = delete;
  ~MessageBuffer();

  // Where its thread sees it.
  uintptr_t address() const { return address_; }
  // Where `space` sees its payload page: its thread's space, or the TAS's;
  // 0 for any other.
  uintptr_t payload_in(const AddressSpace* space) const {
    if (space == own_.get()) return address_;
    return space == tas_.space() ? tas_.address() : 0;
  }
  rebound_ipc_record& record() const { return *record_; }

 private:
  MessageBuffer() = default;

  Ref<MemoryObject> pages_;
  Ref<AddressSpace> own_;
  uintptr_t address_ = 0;
  TasBufferSlot tas_;
  rebound_ipc_record* record_ = nullptr;  // through the kernel's direct map
};

}  // namespace core
