// A process: an address space, a handle table, and the user threads running
// in it. It ends when its last thread ends -- by exiting, or killed by a
// fault or by PROCESS_KILL -- and then releases everything it owned at once:
// handles, address space (its frames and tables) and ASID. Whoever holds a
// reference can wait for its exit status.
//
// Killing it interrupts every thread of it (Scheduler::interrupt): those
// blocked in the kernel stop waiting, and each thread ends as it next passes
// the user/kernel boundary -- at once for them, at the next system call,
// interrupt or fault for those in user mode.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/address_space.h"
#include "core/endpoint.h"
#include "core/exit_status.h"
#include "core/handle_table.h"
#include "core/io_port_set.h"
#include "core/kernel_object.h"
#include "core/program_loader.h"
#include "core/wait_queue.h"
#include "lib/intrusive_list.h"
#include "lib/object_count.h"

namespace core {

class Thread;

class Process final : public KernelObject {
 public:
  // A new process running `image` (a static ELF) with the arguments in
  // argv_block (NUL-terminated strings back to back), holding `gift` (if
  // any) as its first handle, whose value its first thread finds in the
  // third argument register, and a CALL handle to the name service `names`
  // (if any; the fourth register). That thread is started before this
  // returns. The children it spawns get the same name service.
  static Result<Ref<Process>> spawn(const char* name, const uint8_t* image, size_t size,
                                    const char* argv_block, size_t argv_length,
                                    const HandleTable::Gift& gift = {}, Ref<Endpoint> names = {});
  // A process with an empty address space and no thread yet: its creator
  // (the TAS's process server, through PROCESS_CREATE) fills the space and
  // then starts it. It inherits the name service `names`.
  static Result<Ref<Process>> create(const char* name, Ref<Endpoint> names);
  // Starts the first thread of a created process at entry.pc, entry.sp,
  // with argc and argv as given, `gift` (if any) as its first handle and a
  // CALL handle to its name service. Once: already_exists after that,
  // not_found if the process has ended (killed before it started).
  Result<void> start(UserEntry entry, const HandleTable::Gift& gift);
  ~Process() override;

  const char* name() const { return name_; }
  HandleTable& handles() { return handles_; }
  // The address space, while the process lives (nullptr after it ended).
  AddressSpace* space() const { return space_.get(); }
  bool ended() const { return ended_; }
  // How it ended (meaningful once ended()).
  const ExitStatus& status() const { return status_; }
  bool dying() const { return dying_; }
  const Ref<Endpoint>& names() const { return names_; }
  // Where its threads' faults go (FAULT_HANDLER_SET, core/fault_delivery.h):
  // a user address, 0 for none (a fault kills the process).
  uintptr_t fault_handler() const { return fault_handler_; }
  void set_fault_handler(uintptr_t entry) { fault_handler_ = entry; }
  // The I/O ports its threads may use (x86_64; IO_PORTS_ALLOW).
  IoPortSet& io_ports() { return io_ports_; }
  const IoPortSet& io_ports() const { return io_ports_; }

  // Ends the process with `status` as soon as each of its threads next
  // passes the user/kernel boundary (or now, if it has none running); its
  // threads blocked in the kernel are woken to get there.
  void kill(const ExitStatus& status);
  // Blocks until the process has ended; returns its exit status
  // (Error::interrupted if the waiting thread is).
  Result<ExitStatus> wait();

  // A user thread of this process is starting / has ended.
  void thread_started(Thread& t);
  void thread_ended(Thread& t, const ExitStatus& status);
  // Calls f(Thread&) for each of its threads that has started and not ended.
  template <class F>
  void for_each_thread(F f) const {
    for (lib::ListNode* n = threads_.first(); n != threads_.end(); n = n->next)
      f(*static_cast<Thread*>(n->owner));
  }

 private:
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  Process(const char* name, Ref<AddressSpace> space);
  void end();  // the last thread ended: release everything

  // dying_ first: every return to user mode reads it (a small offset).
  bool dying_ = false, ended_ = false, started_ = false;
  char name_[32] = {};
  Ref<AddressSpace> space_;
  HandleTable handles_;
  Ref<Endpoint> names_;  // the name service its children inherit
  unsigned live_threads_ = 0;
  lib::NodeList threads_;  // those live, through Thread::process_node_
  uintptr_t fault_handler_ = 0;
  IoPortSet io_ports_;
  ExitStatus status_;
  WaitQueue waiters_;
  lib::Counted<REBOUND_OBJECT_PROCESS> counted_;
};

}  // namespace core
