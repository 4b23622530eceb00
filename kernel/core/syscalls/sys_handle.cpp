// Handles of the calling process.
#include "core/syscalls/syscall.h"

namespace core::syscalls {

Result<Values> sys_handle_close(Args a) {
  TRY_VOID(caller().handles().close(static_cast<rebound_handle>(a[0])));
  return Values{};
}

Result<Values> sys_handle_duplicate(Args a) {
  TRY(h,
      caller().handles().duplicate(static_cast<rebound_handle>(a[0]), static_cast<uint32_t>(a[1])));
  return Values{h, 0};
}

}  // namespace core::syscalls
