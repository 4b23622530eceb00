// IPC on endpoints: message words in registers both ways, and one handle
// that moves with the message (arch/ipc_registers.h); errors when the server
// is gone.
#include "arch/ipc_registers.h"
#include "core/endpoint.h"
#include "core/syscalls/ipc.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {
namespace {

// The handle sent with the message (none: 0) into `out`, out of the caller's
// table: call this after every other check of the call.
inline Result<void> handle_in(Args a, MovedHandle& out) {
  const auto h = static_cast<rebound_handle>(a[arch::kIpcHandleArg]);
  if (h == 0) [[likely]]
    return {};
  TRY(moved, caller().handles().take(h));
  out = std::move(moved);
  return {};
}

Result<Ref<Endpoint>> endpoint(Args a, uint32_t rights) {
  return caller().handles().get<Endpoint>(static_cast<rebound_handle>(a[0]), rights);
}

// Replies what the argument registers hold to the caller this thread owes.
Result<void> reply(Args a) {
  MovedHandle handle;
  TRY_VOID(handle_in(a, handle));
  return Endpoint::reply(message_in(a), std::move(handle));
}

}  // namespace

Result<Values> sys_endpoint_create(Args) {
  TRY(ep, Endpoint::create());
  TRY(handle, caller().handles().add(
                  ep, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE));
  return Values{handle, 0};
}

Result<Values> sys_endpoint_close(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  const auto reason = static_cast<Error>(a[1]);
  if (reason != Error::peer_closed && reason != Error::server_restarted)
    return fail(Error::invalid_argument);
  ep->close(reason);
  return Values{};
}

// IPC_CALL and IPC_REPLY_RECEIVE enter through their fast path
// (core/ipc_fast_path.h), which comes here for all but the common case.
Result<Values> sys_ipc_call(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_CALL));
  MovedHandle handle;
  TRY_VOID(handle_in(a, handle));
  TRY(reply, ep->call(message_in(a), std::move(handle)));
  return message_out(a, reply);
}

// The calling thread's timeout for its later calls (0: none); the previous.
Result<Values> sys_ipc_timeout_set(Args a) {
  TRY(previous, Endpoint::set_call_timeout(current_thread(), a[0]));
  return Values{previous, 0};
}

// Replies to the caller this thread owes (if any), then waits for the next.
Result<Values> sys_ipc_reply_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  MovedHandle handle;
  if (current_thread().ipc().reply_to) TRY_VOID(handle_in(a, handle));
  TRY(request, ep->reply_receive(message_in(a), std::move(handle)));
  return request_out(a, request);
}

// Waits for a call; a reply this thread still owes fails its caller.
Result<Values> sys_ipc_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  TRY(request, ep->receive());
  return request_out(a, request);
}

Result<Values> sys_ipc_reply(Args a) {
  if (!current_thread().ipc().reply_to) return fail(Error::not_found);
  TRY_VOID(reply(a));
  return Values{};
}

}  // namespace core::syscalls
