// Processes: spawning from a boot image (with a handle to give), waiting,
// killing, reaching the address space, the fault handler.
#include "core/boot_images.h"
#include "core/syscalls/syscall.h"
#include "rebound/fault_frame.h"

namespace core::syscalls {

Result<Values> sys_process_spawn(Args a) {
  Process& p = caller();
  TRY(gift, gift_of(a[4]));
  TRY(name, user_name(a[0], a[1]));
  char argv[kMaxArgvBytes];
  if (a[3] > sizeof argv) return fail(Error::invalid_argument);
  TRY_VOID(p.space()->copy_in(argv, a[2], a[3]));
  const BootImage* image = find_boot_image(name.text, name.length);
  if (image == nullptr) return fail(Error::not_found);
  TRY(child, Process::spawn(image->name, image->data, image->size, argv, a[3], gift, p.names()));
  auto handle = p.handles().add(child, REBOUND_RIGHTS_ALL);
  if (!handle) {
    child->kill(ExitStatus::killed_on_request());
    return fail(handle.error());
  }
  return Values{*handle, 0};
}

Result<Values> sys_process_wait(Args a) {
  TRY(child,
      caller().handles().get<Process>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_WAIT));
  if (child.get() == &caller()) return fail(Error::invalid_argument);
  TRY(status, child->wait());
  return status_values(status);
}

// Whether it has ended, and how, without waiting (the process server's
// list): 0 while it runs, else the status word of PROCESS_WAIT with
// REBOUND_STATUS_ENDED set.
Result<Values> sys_process_status(Args a) {
  TRY(child,
      caller().handles().get<Process>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_WAIT));
  if (!child->ended()) return Values{0, 0};
  Values v = status_values(child->status());
  v.v0 |= REBOUND_STATUS_ENDED;
  return v;
}

// A handle to a process's address space, to map memory into it (a process
// that has ended has none: not_found).
Result<Values> sys_process_space(Args a) {
  TRY(child, caller().handles().get<Process>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_MAP));
  if (child->space() == nullptr) return fail(Error::not_found);
  TRY(handle, caller().handles().add(Ref<AddressSpace>(child->space()),
                                     REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_MAP));
  return Values{handle, 0};
}

Result<Values> sys_process_kill(Args a) {
  TRY(child,
      caller().handles().get<Process>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_KILL));
  child->kill(ExitStatus::killed_on_request());
  return Values{};
}

// An empty process for the caller to fill (its address space through
// PROCESS_SPACE) and start: the TAS's process server builds programs from
// files this way, and the kernel reads no file format for it.
Result<Values> sys_process_create(Args a) {
  Process& p = caller();
  TRY(name, user_name(a[0], a[1]));
  TRY(child, Process::create(name.text, p.names()));
  TRY(handle, p.handles().add(child, REBOUND_RIGHTS_ALL));
  return Values{handle, 0};
}

// Its first thread: at pc with sp, argc and argv in the first two argument
// registers, the caller's handle a[5] (0: none) given as the process's
// first handle (third register), its name service's in the fourth.
Result<Values> sys_process_start(Args a) {
  Process& p = caller();
  TRY(child, p.handles().get<Process>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_MAP));
  if (child.get() == &p) return fail(Error::invalid_argument);
  const uintptr_t pc = a[1], sp = a[2];
  auto in_user_half = [](uintptr_t x) {
    return x >= AddressSpace::kUserBase && x < AddressSpace::kUserTop;
  };
  if (!in_user_half(pc) || !in_user_half(sp) || sp % 16 != 0) return fail(Error::invalid_argument);
  TRY(gift, gift_of(a[5]));
  UserEntry entry{pc, sp, a[3], a[4]};
  TRY_VOID(child->start(entry, gift));
  return Values{};
}

// Where the calling process's faults go from now on, in every thread
// (core/fault_delivery.h): an entry in the user half, 0 for none. Returns
// the previous one.
Result<Values> sys_fault_handler_set(Args a) {
  const uintptr_t entry = a[0];
  if (entry != 0 && (entry < AddressSpace::kUserBase || entry >= AddressSpace::kUserTop ||
                     entry % REBOUND_FAULT_HANDLER_ALIGN != 0))
    return fail(Error::invalid_argument);
  Process& p = caller();
  const uintptr_t previous = p.fault_handler();
  p.set_fault_handler(entry);
  return Values{previous, 0};
}

}  // namespace core::syscalls
