#include "core/user_boundary.h"

#include "core/address_space.h"
#include "core/big_kernel_lock.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "core/syscalls/syscall.h"
#include "core/thread.h"
#include "lib/log.h"
#include "recovery/catch_unwind.h"

namespace core {

using syscalls::Handler;

constinit const Handler detail::kSyscallTable[REBOUND_SYS_COUNT] = {
    syscalls::sys_null,
    syscalls::sys_debug_write,
    syscalls::sys_exit,
    syscalls::sys_yield,
    syscalls::sys_sleep,
    syscalls::sys_clock,
    syscalls::sys_thread_create,
    syscalls::sys_thread_exit,
    syscalls::sys_thread_join,
    syscalls::sys_handle_close,
    syscalls::sys_handle_duplicate,
    syscalls::sys_vm_map,
    syscalls::sys_vm_unmap,
    syscalls::sys_vm_protect,
    syscalls::sys_process_spawn,
    syscalls::sys_process_wait,
    syscalls::sys_process_kill,
    syscalls::sys_debug_snapshot,
    syscalls::sys_debug_inject,
    syscalls::sys_memory_create,
    syscalls::sys_vm_map_memory,
    syscalls::sys_process_space,
    syscalls::sys_endpoint_create,
    syscalls::sys_ipc_call,
    syscalls::sys_ipc_reply_receive,
    syscalls::sys_ipc_reply,
    syscalls::sys_ipc_receive,
    syscalls::sys_fault_handler_set,
    syscalls::sys_thread_kill,
    syscalls::sys_endpoint_close,
    syscalls::sys_ipc_timeout_set,
    syscalls::sys_process_create,
    syscalls::sys_process_start,
    syscalls::sys_process_status,
    // 34-39: not assigned yet.
    syscalls::sys_unassigned,
    syscalls::sys_unassigned,
    syscalls::sys_unassigned,
    syscalls::sys_unassigned,
    syscalls::sys_unassigned,
    syscalls::sys_unassigned,
    syscalls::sys_interrupt_create,
    syscalls::sys_interrupt_wait,
    syscalls::sys_interrupt_ack,
    syscalls::sys_device_map,
    syscalls::sys_io_ports_allow,
    syscalls::sys_ipc_reply_save,
    syscalls::sys_ipc_reply_send,
    syscalls::sys_boot_image_copy,
    syscalls::sys_dma_memory_create,
    syscalls::sys_system_shutdown,
    syscalls::sys_ipc_buffer,
    syscalls::sys_ipc_call_grant,
};
static_assert(REBOUND_SYS_IPC_TIMEOUT_SET == 30 && REBOUND_SYS_PROCESS_START == 32 &&
                  REBOUND_SYS_INTERRUPT_CREATE == 40 && REBOUND_SYS_DMA_MEMORY_CREATE == 48 &&
                  REBOUND_SYS_SYSTEM_SHUTDOWN == 49 && REBOUND_SYS_IPC_BUFFER == 50 &&
                  REBOUND_SYS_COUNT == 52,
              "the table above lists every number in order");

// Cold: a fault caught in a system call (the common path is inline in
// user_boundary.h).
uint64_t detail::syscall_recovered(uint64_t number, const recovery::Fault& f) {
  KLOG_WARN("syscall %lu: %s at pc %p: %s (recovered)", static_cast<unsigned long>(number),
            recovery::to_string(f.kind), reinterpret_cast<void*>(f.pc), f.message);
  return static_cast<uint64_t>(Error::kernel_fault);
}

bool resolve_user_page_fault(uintptr_t address, bool write, bool fetch) {
  Process* p = current_thread().process();
  return p != nullptr && p->space() != nullptr &&
         p->space()->resolve_fault(address, write, fetch).has_value();
}

namespace {
// How an interrupted thread ends: its process is being killed (the process
// has its status), or the thread alone is (THREAD_KILL: its process goes
// on). A kill always wins over a fault.
[[noreturn]] void end_killed(Thread& t) {
  Thread::exit_current(t.process()->dying() ? ExitStatus::exited(0)
                                            : ExitStatus::killed_on_request());
}
}  // namespace

void user_fault(const recovery::Fault& fault) {
  if (current_thread().interrupted()) end_killed(current_thread());
  Process* p = current_thread().process();
  KLOG_DEBUG("process %s killed: %s at pc %p address %p", p != nullptr ? p->name() : "?",
             recovery::to_string(fault.kind), reinterpret_cast<void*>(fault.pc),
             reinterpret_cast<void*>(fault.address));
  Thread::exit_current(ExitStatus::killed_by(fault));
}

// before_user_return() when something is pending.
void detail::before_user_return_slow() {
  // Preempt first: while this thread waited for the CPU, its process may
  // have been killed, and then it must not run user code again.
  Scheduler::current().preempt_if_needed();
  if (current_thread().interrupted()) end_killed(current_thread());
  bkl::release();
}

}  // namespace core
