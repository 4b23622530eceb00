// IPC on endpoints: message words in registers both ways
// (arch/ipc_registers.h), errors when the server is gone.
#include "arch/ipc_registers.h"
#include "core/endpoint.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {
namespace {

Message message_in(Args a) {
  Message m;
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) m.words[i] = a[arch::kIpcWordArg[i]];
  return m;
}

// Words 2.. go into their argument slots (the exit restores them from there);
// words 0 and 1 are the call's values.
Values message_out(Args a, const Message& m) {
  auto* slots = const_cast<uint64_t*>(a);
  for (unsigned i = 2; i < REBOUND_IPC_WORDS; ++i) slots[arch::kIpcWordArg[i]] = m.words[i];
  return Values{m.words[0], m.words[1]};
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
  TRY(reply, ep->call(message_in(a)));
  return message_out(a, reply);
}

// Replies to the caller this thread owes (if any), then waits for the next.
Result<Values> sys_ipc_reply_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  if (current_thread().ipc().reply_to) TRY_VOID(Endpoint::reply(message_in(a)));
  TRY(request, ep->receive());
  return message_out(a, request);
}

// Waits for a call; a reply this thread still owes fails its caller.
Result<Values> sys_ipc_receive(Args a) {
  TRY(ep, endpoint(a, REBOUND_RIGHT_RECEIVE));
  TRY(request, ep->receive());
  return message_out(a, request);
}

Result<Values> sys_ipc_reply(Args a) {
  TRY_VOID(Endpoint::reply(message_in(a)));
  return Values{};
}

}  // namespace core::syscalls
