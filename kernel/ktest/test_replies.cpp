// Deferred replies (core/reply.h): a server thread saves the reply it owes,
// goes on receiving, and answers later; a reply dropped unsent fails its
// call with peer_closed; one to a caller that was killed goes nowhere; a
// reply goes once; nothing is left behind.
#include "core/endpoint.h"
#include "core/process.h"
#include "core/reply.h"
#include "core/scheduler.h"
#include "ktest/ktest.h"
#include "ktest/objects.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"
#include "ktest/wait.h"

namespace {

using ktest::leaves_no_trace;
using ktest::new_endpoint;
using ktest::within_5s;

using core::Endpoint;
using core::Message;
using core::MovedHandle;
using core::Ref;
using core::Reply;
using core::Scheduler;
using core::Thread;

// A kernel thread's call on an endpoint, blocked until answered.
struct KernelCall {
  KernelCall(Ref<Endpoint> e, const Message& m) : endpoint(std::move(e)), message(m) {}

  Ref<Endpoint> endpoint;
  Message message;
  Result<Message> reply = fail(Error::not_found);
  Ref<Thread> thread;

  static void run(void* self) {
    auto* c = static_cast<KernelCall*>(self);
    c->reply = c->endpoint->call(c->message, MovedHandle());
  }
  bool start() {
    auto t = Thread::create("kernel caller", run, this);
    KEXPECT(t.has_value());
    if (!t) return false;
    thread = *t;
    Scheduler::start_pinned(*thread, core::this_cpu().id);
    return within_5s([&] { return thread->state() == Thread::State::blocked; });
  }
  bool answered() const { return thread->state() == Thread::State::dead; }
};

}  // namespace

KTEST(a_saved_reply_lets_the_server_receive_on_and_answers_later) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    KernelCall first{ep, {{1}}}, second{ep, {{2}}};
    if (!first.start()) return;
    KEXPECT(ep->receive().has_value());
    auto saved = Reply::take_owed();
    KEXPECT(saved.has_value());
    if (!saved) return;
    Ref<Reply> reply = std::move(*saved);
    KEXPECT(!core::current_thread().ipc().reply_to);  // owes nothing now
    KEXPECT(!Reply::take_owed().has_value());

    // The server goes on: the next call is received and answered first.
    if (!second.start()) return;
    auto request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 2);
    KEXPECT(Endpoint::reply({{20}}, MovedHandle()).has_value());
    KEXPECT(within_5s([&] { return second.answered(); }));
    KEXPECT(second.reply.has_value() && second.reply->words[0] == 20);
    KEXPECT(!first.answered());

    // Sending the saved reply leaves a reply this thread owes in place.
    KernelCall third{ep, {{3}}};
    if (!third.start()) return;
    KEXPECT(ep->receive().has_value());
    KEXPECT(reply->send({{10, 11}}, MovedHandle()).has_value());
    KEXPECT(within_5s([&] { return first.answered(); }));
    KEXPECT(first.reply.has_value() && first.reply->words[0] == 10 && first.reply->words[1] == 11);
    KEXPECT(reply->sent());
    auto again = reply->send({{12}}, MovedHandle());
    KEXPECT(!again.has_value() && again.error() == Error::not_found);  // a reply goes once
    KEXPECT(static_cast<bool>(core::current_thread().ipc().reply_to));
    KEXPECT(Endpoint::reply({{30}}, MovedHandle()).has_value());
    KEXPECT(within_5s([&] { return third.answered(); }));
    KEXPECT(third.reply.has_value() && third.reply->words[0] == 30);
  });
}

KTEST(a_reply_dropped_unsent_fails_its_call_with_peer_closed) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    KernelCall call{ep, {{1}}};
    if (!call.start()) return;
    KEXPECT(ep->receive().has_value());
    auto saved = Reply::take_owed();
    KEXPECT(saved.has_value());
    saved = fail(Error::not_found);  // the only reference goes
    KEXPECT(within_5s([&] { return call.answered(); }));
    KEXPECT(!call.reply.has_value() && call.reply.error() == Error::peer_closed);
  });
}

KTEST(a_saved_reply_to_a_killed_caller_goes_nowhere) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<core::Process> p = ktest::spawn_program("blocker", "call", {ep, REBOUND_RIGHT_CALL});
    if (!p) return;
    auto request = ep->receive();
    KEXPECT(request.has_value());
    auto saved = Reply::take_owed();
    KEXPECT(saved.has_value());
    if (!saved) return;
    Ref<Reply> reply = std::move(*saved);
    p->kill(core::ExitStatus::killed_on_request());
    KEXPECT(within_5s([&] { return p->ended(); }));
    KEXPECT(reply->send({{1}}, MovedHandle()).has_value());  // to nobody, no error
  });
}
