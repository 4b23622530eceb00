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

// Words, and optionally one handle moved from the sender to the receiver.
struct Message {
  uint64_t words[REBOUND_IPC_WORDS] = {};
  MovedHandle handle;
};

struct IpcState {
  Message message;  // a caller's call, then its reply; a server's request
  // The wait ended without a message (error says why). Each thread clears it
  // before it waits; only a failure sets it.
  bool failed = false;
  Error error = Error::peer_closed;
  lib::Ref<Thread> reply_to;  // a server thread: the caller waiting for its reply
};

}  // namespace core
