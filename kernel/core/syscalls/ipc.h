// What the IPC system calls' slow path (sys_ipc.cpp) and fast path
// (core/ipc_fast_path.h) share: the message between the saved registers
// (arch/ipc_registers.h) and a Message.
#pragma once
#include "arch/ipc_registers.h"
#include "core/endpoint.h"
#include "core/ipc_bulk.h"
#include "core/ipc_state.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {

// The words from the registers into `m`, one load and store each.
[[gnu::always_inline]] inline void words_in(Args a, Message& m) {
#pragma GCC unroll 16
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) m.words[i] = a[arch::kIpcWordArg[i]];
}

// The words from the registers `a` straight into the registers `to` of a
// partner that waits in the fast path, as its call's result: no error, no
// handle.
[[gnu::always_inline]] inline void words_across(Args a, uint64_t* to) {
  to[arch::kIpcErrorOut] = 0;
  to[arch::kIpcHandleArg] = 0;
#pragma GCC unroll 16
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i)
    to[arch::kIpcWordOut[i]] = a[arch::kIpcWordArg[i]];
}

inline Message message_in(Args a) {
  Message m;
  words_in(a, m);
  return m;
}

// Words 2.. and the received handle's value (0: none) go into their argument
// slots (the exit restores them from there); words 0 and 1 are the call's
// values. A handle the caller's table has no room for is closed, and the
// call fails with Error::limit_reached.
[[gnu::always_inline]] inline Result<Values> message_out(Args a, const Message& m,
                                                         Thread& self = current_thread()) {
  auto* slots = const_cast<uint64_t*>(a);
  slots[arch::kIpcHandleArg] = 0;
  if (MovedHandle& received = self.ipc().handle; received) [[unlikely]] {
    auto h = self.process()->handles().put(std::move(received));
    received = {};
    if (!h) return fail(h.error());
    slots[arch::kIpcHandleArg] = *h;
  }
  for (unsigned i = 2; i < REBOUND_IPC_WORDS; ++i) slots[arch::kIpcWordArg[i]] = m.words[i];
  return Values{m.words[0], m.words[1]};
}

// A request whose grant could not be mapped is refused whole: its handle
// closes, and its caller fails.
[[gnu::cold, gnu::noinline]] inline Result<Values> refuse_request(Error e, Thread& self) {
  self.ipc().handle = {};
  Endpoint::abandon_reply(self.ipc());
  return fail(e);
}

// message_out() of a request, after what came with it beside the words
// (core/ipc_bulk.h): one this server thread could not take in fails its
// caller at once.
[[gnu::always_inline]] inline Result<Values> request_out(Args a, const Message& request,
                                                         Thread& self = current_thread()) {
  if (auto lent = bulk::received(self); !lent) [[unlikely]]
    return refuse_request(lent.error(), self);
  auto r = message_out(a, request, self);
  if (!r) [[unlikely]]
    Endpoint::abandon_reply(self.ipc());
  return r;
}

}  // namespace core::syscalls
