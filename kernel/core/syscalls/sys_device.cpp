// Devices, for the drivers of the TAS: interrupt objects
// (core/interrupt_object.h), reached through the device capability
// (core/device_control.h), which only the TAS holds. Checked first, so that
// a process without it learns nothing else.
#include "arch/arch.h"
#include "core/device_control.h"
#include "core/interrupt_object.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {
namespace {

Result<Ref<DeviceControl>> device_control(uint64_t handle) {
  return caller().handles().get<DeviceControl>(static_cast<rebound_handle>(handle), 0);
}

Result<Ref<InterruptObject>> interrupt(uint64_t handle) {
  return caller().handles().get<InterruptObject>(static_cast<rebound_handle>(handle),
                                                 REBOUND_RIGHT_WAIT);
}

}  // namespace

Result<Values> sys_interrupt_create(Args a) {
  TRY_VOID(device_control(a[0]));
  if (a[1] > UINT32_MAX) return fail(Error::out_of_range);
  TRY(object, InterruptObject::create(static_cast<unsigned>(a[1])));
  TRY(handle, caller().handles().add(object, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_WAIT));
  return Values{handle, 0};
}

Result<Values> sys_interrupt_wait(Args a) {
  TRY(object, interrupt(a[0]));
  TRY_VOID(object->wait());
  return Values{object->fired(), 0};
}

Result<Values> sys_interrupt_ack(Args a) {
  TRY(object, interrupt(a[0]));
  object->ack();
  return Values{};
}

}  // namespace core::syscalls
