// Memory objects: pages that processes share by mapping the same object.
#include "core/memory_object.h"
#include "core/syscalls/syscall.h"
#include "recovery/fault_injection.h"

namespace core::syscalls {

Result<Values> sys_memory_create(Args a) {
  TRY(memory, MemoryObject::create(a[0]));
  recovery::fault_point("memory.create");  // test builds: a failure after the object exists
  TRY(handle, caller().handles().add(memory, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_MAP |
                                                 REBOUND_RIGHT_READ | REBOUND_RIGHT_WRITE |
                                                 REBOUND_RIGHT_EXECUTE));
  return Values{handle, 0};
}

}  // namespace core::syscalls
