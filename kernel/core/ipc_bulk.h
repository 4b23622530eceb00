// Bulk data over IPC (docs/syscalls.md, "Message buffers and grants"): what
// a thread holds for it, and the hooks the IPC path calls. A thread that
// never asked for a message buffer or lent memory has none of it (a null
// pointer), and the hooks cost its calls a test or two.
//
// The IPC path's contract (endpoint.cpp, syscalls/ipc.h's request_out, and
// ipc_fast_path.h, whose caller fills in its server's record):
//   - when a server thread has taken a call in (its reply_to names the
//     caller) and before it returns to user mode: bulk::received(server);
//   - whenever a server thread's reply_to is given up (the reply, or the
//     call failed), before the caller can run: bulk::answered(caller); when
//     it is saved for later (IPC_REPLY_SAVE): bulk::reply_saved(caller);
//   - when a thread ends: bulk::thread_ending(thread).
#pragma once
#include <optional>

#include "core/grant.h"
#include "core/message_buffer.h"
#include "core/thread.h"

namespace core {

struct ThreadBulk {
  std::optional<MessageBuffer> buffer;  // IPC_BUFFER
  Grant grant;                          // as a caller: what its current call lends
  GrantWindow window;                   // as a server: where grants to it are mapped
};

namespace bulk {
namespace detail {
Result<void> received_slow(Thread& server, Thread* caller);
void answered_slow(Thread& caller);
}  // namespace detail

// `server` took a call in: the caller's grant is mapped into its window,
// and its receive record (if it has a buffer) says where that is and where
// the caller's payload page is. On error the call must fail (the caller
// gets peer_closed, as for a request whose handle cannot be taken in).
inline Result<void> received(Thread& server) {
  Thread* caller = server.ipc().reply_to.get();
  if (caller == nullptr || caller->bulk() == nullptr) [[likely]] {
    // A plain call (the common case, inline): at most a record to clear.
    if (rebound_ipc_record* r = server.ipc().record; r != nullptr) [[unlikely]]
      *r = rebound_ipc_record{};
    return {};
  }
  return detail::received_slow(server, caller);
}

// The same when the caller is known: `caller` is server's reply_to (the
// fast path's call, which has just set it).
[[gnu::always_inline]] inline Result<void> received(Thread& server, Thread& caller) {
  if (caller.bulk() == nullptr) [[likely]] {
    // (To a server of the TAS, which has a buffer, the common case.)
    if (rebound_ipc_record* r = server.ipc().record; r != nullptr) *r = rebound_ipc_record{};
    return {};
  }
  return detail::received_slow(server, &caller);
}

// The call of `caller` is answered (or failed): the memory it lent is
// unmapped from the server and unpinned.
inline void answered(Thread& caller) {
  if (caller.bulk() != nullptr) [[unlikely]]
    detail::answered_slow(caller);
}

// The reply `caller` is owed was saved (IPC_REPLY_SAVE): its grant ends
// now. The grant window is the receiving thread's, and it takes its next
// call in at once; a deferred reply answers with words (and, from the TAS,
// through the caller's message buffer, which stays).
inline void reply_saved(Thread& caller) { answered(caller); }

// `t` is ending: its buffer and grant window go (what it lends as a caller
// stays until its server answers).
void thread_ending(Thread& t);

}  // namespace bulk
}  // namespace core
