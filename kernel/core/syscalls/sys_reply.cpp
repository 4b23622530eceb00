// Deferred replies (core/reply.h): the reply a server thread owes, saved as
// a handle, and sent through that handle later by any thread of the server.
#include "arch/ipc_registers.h"
#include "core/reply.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {

Result<Values> sys_ipc_reply_save(Args) {
  HandleTable& handles = caller().handles();
  // Checked first: a reply taken out could not be put back, and dropping it
  // would fail the call.
  if (handles.count() == HandleTable::kMaxHandles) return fail(Error::limit_reached);
  TRY(reply, Reply::take_owed());
  // No rights: a reply goes once, so it cannot be duplicated (it can move).
  TRY(handle, handles.add(reply, 0));
  return Values{handle, 0};
}

// The reply handle in argument 1, the reply's words and handle where
// IPC_REPLY has them (arch/ipc_registers.h). The reply handle closes once
// the reply is sent.
Result<Values> sys_ipc_reply_send(Args a) {
  const auto h = static_cast<rebound_handle>(a[0]);
  const auto moved = static_cast<rebound_handle>(a[arch::kIpcHandleArg]);
  TRY(reply, caller().handles().get<Reply>(h, 0));
  if (moved == h) return fail(Error::invalid_argument);  // a reply cannot carry itself
  Message m;
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) m.words[i] = a[arch::kIpcWordArg[i]];
  MovedHandle handle;
  if (moved != 0) {
    TRY(taken, caller().handles().take(moved));
    handle = std::move(taken);
  }
  TRY_VOID(reply->send(m, std::move(handle)));
  TRY_VOID(caller().handles().close(h));
  return Values{};
}

}  // namespace core::syscalls
