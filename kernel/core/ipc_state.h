// What a thread carries through IPC: the message words of its call or reply,
// how its call ended, and -- for a server thread -- the caller it owes a
// reply. The reply goes only to that caller (the reply capability is this
// slot, never a value user code could forge).
#pragma once
#include <cstdint>

#include "core/handle_table.h"
#include "lib/ref.h"
#include "lib/result.h"
#include "rebound/syscall.h"

namespace core {

class Thread;
}  // namespace core

struct rebound_ipc_record;

namespace core {

// The words of a message (plain data: copied on the fast path of every call).
struct Message {
  uint64_t words[REBOUND_IPC_WORDS] = {};
};

struct IpcState {
  Message message;     // a caller's call, then its reply; a server's request
  MovedHandle handle;  // the handle that came (or goes) with `message`, if any
  // The wait ended without a message (error says why). Each thread clears it
  // before it waits; only a failure sets it.
  bool failed = false;
  Error error = Error::peer_closed;
  lib::Ref<Thread> reply_to;  // a server thread: the caller waiting for its reply
  // A caller whose call a server took (the slow path records it): where its
  // reply capability is -- that server thread's reply_to, or a Reply's --
  // for a timeout to take it back (Endpoint::give_up_call). Only a call
  // with a timeout needs it, and those never take the fast path.
  lib::Ref<Thread>* reply_slot = nullptr;
  // This thread's calls fail with Error::timed_out when no reply came within
  // this many ns (IPC_TIMEOUT_SET); 0: they wait for as long as it takes.
  uint64_t timeout_ns = 0;
  // While the thread waits in the IPC fast path: its saved registers, where
  // a partner's fast path puts the message (and then sets this back to
  // nullptr) instead of into `message`. nullptr otherwise.
  uint64_t* regs = nullptr;
  // Its message buffer's receive record (core/ipc_bulk.h), nullptr without
  // one: the IPC paths clear it at every plain call without going through
  // the thread's bulk state.
  rebound_ipc_record* record = nullptr;
};

}  // namespace core
