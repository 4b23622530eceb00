// IPC on endpoints: message words in registers both ways, and one handle
// that moves with the message (arch/ipc_registers.h); errors when the server
// is gone.
#include "arch/ipc_registers.h"
#include "core/endpoint.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {
namespace {

// The message in the argument registers. Its handle (if any) leaves the
// caller's table now: call this after every other check of the call.
Result<Message> message_in(Args a) {
  Message m;
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) m.words[i] = a[arch::kIpcWordArg[i]];
  if (const auto h = static_cast<rebound_handle>(a[arch::kIpcHandleArg]); h != 0) {
    TRY(moved, caller().handles().take(h));
    m.handle = std::move(moved);
  }
  return m;
}

// Words 2.. and the received handle's value (0: none) go into their argument
// slots (the exit restores them from there); words 0 and 1 are the call's
// values. A handle the caller's table has no room for is closed, and the
// call fails with Error::limit_reached.
Result<Values> message_out(Args a, Message m) {
  auto* slots = const_cast<uint64_t*>(a);
  slots[arch::kIpcHandleArg] = 0;
  if (m.handle) {
    TRY(h, caller().handles().put(std::move(m.handle)));
    slots[arch::kIpcHandleArg] = h;
  }
  for (unsigned i = 2; i < REBOUND_IPC_WORDS; ++i) slots[arch::kIpcWordArg[i]] = m.words[i];
  return Values{m.words[0], m.words[1]};
}

// A request this server thread could not take in fails its caller at once.
Result<Values> received(Args a, Message request) {
  auto r = message_out(a, std::move(request));
  if (!r) Endpoint::abandon_reply(current_thread().ipc());
  return r;
}

Result<Ref<Endpoint>> endpoint(Args a, uint32_t rights) {
  return caller().handles().get<Endpoint>(static_cast<rebound_handle>(a[0]), rights);
}

}  // namespace

Result<Values> sys_endpoint_create(Args) {
  TRY(ep, Endpoint::create());
  TRY(handle, caller().handles().add(
                  ep, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE));
  return Values{handle, 0};
}

Result<Values> sys_ipc_call(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_CALL));
  TRY(call, message_in(a));
  TRY(reply, ep->call(std::move(call)));
  return message_out(a, std::move(reply));
}

// Replies to the caller this thread owes (if any), then waits for the next.
Result<Values> sys_ipc_reply_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  if (current_thread().ipc().reply_to) {
    TRY(reply, message_in(a));
    TRY_VOID(Endpoint::reply(std::move(reply)));
  }
  TRY(request, ep->receive());
  return received(a, std::move(request));
}

// Waits for a call; a reply this thread still owes fails its caller.
Result<Values> sys_ipc_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  TRY(request, ep->receive());
  return received(a, std::move(request));
}

Result<Values> sys_ipc_reply(Args a) {
  if (!current_thread().ipc().reply_to) return fail(Error::not_found);
  TRY(reply, message_in(a));
  TRY_VOID(Endpoint::reply(std::move(reply)));
  return Values{};
}

}  // namespace core::syscalls
