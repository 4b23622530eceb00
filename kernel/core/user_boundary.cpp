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
namespace {

using syscalls::Handler;
constexpr Handler kTable[REBOUND_SYS_COUNT] = {
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
};

}  // namespace

void enter_from_user() { bkl::acquire(); }

void syscall(SyscallRegs& regs) {
  regs.values[0] = regs.values[1] = 0;
  if (regs.number >= REBOUND_SYS_COUNT) {
    regs.error = static_cast<uint64_t>(Error::unknown_syscall);
    return;
  }
  const Handler handler = kTable[regs.number];
  // "No panic is a panic for the kernel": whatever goes wrong inside the call
  // unwinds to here, its resources freed on the way, and the caller gets
  // Error::kernel_fault.
  auto r = recovery::catch_unwind([&] { return handler(regs.args); });
  if (!r) {
    const recovery::Fault& f = r.error();
    KLOG_WARN("syscall %lu: %s at pc %p: %s (recovered)", static_cast<unsigned long>(regs.number),
              recovery::to_string(f.kind), reinterpret_cast<void*>(f.pc), f.message);
    regs.error = static_cast<uint64_t>(Error::kernel_fault);
    return;
  }
  if (!*r) {
    regs.error = static_cast<uint64_t>(r->error());
    return;
  }
  regs.error = 0;
  regs.values[0] = (*r)->v0;
  regs.values[1] = (*r)->v1;
}

void user_fault(const recovery::Fault& fault, bool write) {
  Thread& t = current_thread();
  Process* p = t.process();
  const bool fetch = fault.kind == recovery::FaultKind::instruction_fault;
  if (p != nullptr && p->space() != nullptr &&
      (fault.kind == recovery::FaultKind::page_fault || fetch) &&
      p->space()->resolve_fault(fault.address, write, fetch).has_value())
    return;  // a demand-zero page: the instruction runs again
  KLOG_DEBUG("process %s killed: %s at pc %p address %p", p != nullptr ? p->name() : "?",
             recovery::to_string(fault.kind), reinterpret_cast<void*>(fault.pc),
             reinterpret_cast<void*>(fault.address));
  Thread::exit_current(ExitStatus::killed_by(fault));
}

void before_user_return() {
  // Preempt first: while this thread waited for the CPU, its process may
  // have been killed, and then it must not run user code again.
  Scheduler::current().preempt_if_needed();
  Process* p = current_thread().process();
  if (p != nullptr && p->dying()) Thread::exit_current(ExitStatus::exited(0));
  bkl::release();
}

}  // namespace core
