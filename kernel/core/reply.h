// A deferred reply (IPC_REPLY_SAVE): the reply a server thread owes, taken
// out of the thread into an object its process holds a handle to. The thread
// can then receive the next call while this caller keeps waiting, and any
// thread of the server can answer later (IPC_REPLY_SEND) -- a console
// server's READ that waits for a line, say. The caller sees no difference.
//
// A reply goes once. Dropped unsent (its handle closed, its process ended)
// it fails the call with Error::peer_closed, as a server thread that ends
// owing a reply does; a caller whose process was killed meanwhile has left,
// and the reply goes nowhere (core/endpoint.h).
#pragma once
#include "core/endpoint.h"
#include "core/kernel_object.h"

namespace core {

class Thread;

class Reply final : public KernelObject {
 public:
  // The reply the calling thread owes, now this object's (the thread owes
  // nothing after). Error::not_found if it owes none, no_memory.
  static Result<Ref<Reply>> take_owed();
  ~Reply() override;

  // Replies `m` (and `handle`, if any) to the waiting caller.
  // Error::not_found if this reply was sent already.
  Result<void> send(const Message& m, MovedHandle&& handle);
  bool sent() const { return !caller_; }

 private:
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  Reply() = default;

  Ref<Thread> caller_;
};

}  // namespace core
