// What every system call is: a function of its six argument registers that
// returns a Result with up to two values. The dispatcher (user_boundary.cpp)
// runs it inside catch_unwind and puts the Result into the caller's
// registers. One file per family under core/syscalls/.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/exit_status.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "core/thread.h"
#include "lib/result.h"

namespace core::syscalls {

struct Values {
  uint64_t v0 = 0, v1 = 0;
};
using Args = const uint64_t*;  // six registers (seven for IPC: arch/ipc_registers.h)
using Handler = Result<Values> (*)(Args args);

// The process of the calling thread (system calls come only from user threads).
inline Process& caller() { return *current_thread().process(); }

// A name of 1 to 31 bytes at `address` in the caller's memory (process and
// boot-image names), NUL-terminated.
struct UserName {
  char text[32];
  size_t length;
};
inline Result<UserName> user_name(uint64_t address, uint64_t length) {
  UserName n;
  if (length == 0 || length >= sizeof n.text) return fail(Error::invalid_argument);
  TRY_VOID(caller().space()->copy_in(n.text, address, length));
  n.text[length] = '\0';
  n.length = length;
  return n;
}

// The caller's handle `h` to give to a new process (0: nothing to give).
inline Result<HandleTable::Gift> gift_of(uint64_t h) {
  if (h == 0) return HandleTable::Gift{};
  return caller().handles().give(static_cast<rebound_handle>(h));
}

// The status word of THREAD_JOIN / PROCESS_WAIT (abi/rebound/syscall.h).
inline Values status_values(const ExitStatus& s) {
  if (!s.killed)
    return {static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(s.code))) & 0xffffffffu,
            0};
  return {REBOUND_STATUS_KILLED |
              (uint64_t{static_cast<uint8_t>(s.fault)} << REBOUND_STATUS_FAULT_SHIFT),
          s.address};
}

Result<Values> sys_null(Args);
Result<Values> sys_debug_write(Args);
Result<Values> sys_exit(Args);
Result<Values> sys_yield(Args);
Result<Values> sys_sleep(Args);
Result<Values> sys_clock(Args);
Result<Values> sys_thread_create(Args);
Result<Values> sys_thread_exit(Args);
Result<Values> sys_thread_join(Args);
Result<Values> sys_handle_close(Args);
Result<Values> sys_handle_duplicate(Args);
Result<Values> sys_vm_map(Args);
Result<Values> sys_vm_unmap(Args);
Result<Values> sys_vm_protect(Args);
Result<Values> sys_process_spawn(Args);
Result<Values> sys_process_wait(Args);
Result<Values> sys_process_kill(Args);
Result<Values> sys_debug_snapshot(Args);
Result<Values> sys_debug_inject(Args);
Result<Values> sys_memory_create(Args);
Result<Values> sys_vm_map_memory(Args);
Result<Values> sys_process_space(Args);
Result<Values> sys_process_create(Args);
Result<Values> sys_process_start(Args);
Result<Values> sys_process_status(Args);
Result<Values> sys_endpoint_create(Args);
Result<Values> sys_ipc_call(Args);
Result<Values> sys_ipc_reply_receive(Args);
Result<Values> sys_ipc_reply(Args);
Result<Values> sys_ipc_receive(Args);
Result<Values> sys_fault_handler_set(Args);
Result<Values> sys_thread_kill(Args);
Result<Values> sys_endpoint_close(Args);
Result<Values> sys_ipc_timeout_set(Args);
Result<Values> sys_unassigned(Args);
Result<Values> sys_interrupt_create(Args);
Result<Values> sys_interrupt_wait(Args);
Result<Values> sys_interrupt_ack(Args);
Result<Values> sys_device_map(Args);
Result<Values> sys_io_ports_allow(Args);
Result<Values> sys_ipc_reply_save(Args);
Result<Values> sys_ipc_reply_send(Args);
Result<Values> sys_boot_image_copy(Args);
Result<Values> sys_dma_memory_create(Args);
Result<Values> sys_system_shutdown(Args);
Result<Values> sys_ipc_buffer(Args);
Result<Values> sys_ipc_call_grant(Args);

}  // namespace core::syscalls
