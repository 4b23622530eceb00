#include "core/reply.h"

#include "core/ipc_bulk.h"
#include "core/scheduler.h"
#include "core/thread.h"

namespace core {

// Endpoint's reply and abandon_reply work on the caller in a thread's
// IpcState::reply_to: a Reply lends its caller to that slot rather than
// repeat what they do.

Result<Ref<Reply>> Reply::take_owed() {
  IpcState& me = current_thread().ipc();
  if (!me.reply_to) return fail(Error::not_found);
  TRY(reply, make_object<Reply>());
  reply->caller_ = std::move(me.reply_to);
  reply->caller_->ipc().reply_slot = &reply->caller_;  // (a timeout looks there now)
  bulk::reply_saved(*reply->caller_);                  // its grant leaves this thread's window now
  return reply;
}

Reply::~Reply() {
  if (!caller_) return;
  IpcState orphan;
  orphan.reply_to = std::move(caller_);
  Endpoint::abandon_reply(orphan);  // peer_closed, unless the caller has left
}

Result<void> Reply::send(const Message& m, MovedHandle&& handle) {
  if (!caller_) return fail(Error::not_found);
  // The running thread's own reply (if it owes one) waits aside; whatever
  // Endpoint::reply did not use up goes back where it came from, also if a
  // fault unwinds through here.
  struct Lend {
    IpcState& me;
    Ref<Thread>& back;
    Ref<Thread> owed;
    ~Lend() {
      if (me.reply_to) back = std::move(me.reply_to);
      me.reply_to = std::move(owed);
    }
  } lend{current_thread().ipc(), caller_, std::move(current_thread().ipc().reply_to)};
  lend.me.reply_to = std::move(caller_);
  return Endpoint::reply(m, std::move(handle));
}

}  // namespace core
