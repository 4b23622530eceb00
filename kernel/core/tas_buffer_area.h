// Where the TAS sees the message buffers of every thread: a window of
// kSlots pages in the TAS's address space, reserved when the first buffer
// is made. A thread's payload page stays mapped in its slot for the
// thread's life, so a TAS server handling that thread's call finds the
// payload with no mapping work per call. The TAS is trusted: it may reach
// any buffer, which is what sharing them with it means.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/address_space.h"

namespace core {

class TasBufferSlot {
 public:
  static constexpr size_t kSlots = 1024;

  // Maps the payload page at `phys` into the TAS's buffer area. An empty
  // slot (address 0) when the system runs without a TAS;
  // Error::limit_reached when every slot is taken.
  static Result<TasBufferSlot> map(mm::PhysAddr phys);

  TasBufferSlot() = default;
  TasBufferSlot(TasBufferSlot&& o) noexcept { *this = std::move(o); }
  TasBufferSlot& operator=(TasBufferSlot&& o) noexcept;
  ~TasBufferSlot() { release(); }

  uintptr_t address() const { return address_; }
  const AddressSpace* space() const { return space_.get(); }

 private:
  void release();

  Ref<AddressSpace> space_;
  uintptr_t address_ = 0;
  size_t slot_ = 0;
};

}  // namespace core
