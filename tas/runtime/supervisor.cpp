#include "runtime/supervisor.h"

#include "lib/log.h"
#include "runtime/call.h"
#include "runtime/heaps.h"
#include "runtime/serve.h"
#include "runtime/sys.h"
#include "runtime/thread.h"
#include "servers/names/name_server.h"

namespace tas {

// What a server thread serves: fixed for its life (the slot changes under
// it when the next generation starts). On the server's own heap.
struct Supervisor::Generation {
  Supervisor& supervisor;
  Server& server;
  rebound_handle endpoint;
  bool lasting_endpoint;
};

Result<void> Supervisor::start_names(rebound_handle endpoint, Factory make) {
  if (count_.load() != 0) return fail(Error::invalid_argument);  // first
  Slot& s = slots_[0];
  s.endpoint = endpoint;
  s.lasting_endpoint = true;
  return start(NameServer::kService, make);
}

Result<void> Supervisor::start(const char* name, Factory make) {
  if (count_ == kMaxServers) return fail(Error::limit_reached);
  Slot& s = slots_[count_.load()];
  s.name = name;
  s.home.name = name;
  s.make = make;
  TRY_VOID(launch(s));
  count_.fetch_add(1);
  return {};
}

// A fresh generation of the slot's server: heap, object, its start,
// endpoint, thread, then the name. On failure nothing of it is left, and the
// slot is as it was (its holdings empty).
Result<void> Supervisor::launch(Slot& s) {
  TRY(heap, create_heap(s.name));
  Server* server;
  Generation* generation;
  Result<void> started;
  {
    HeapScope scope(heap);
    server = s.make(Services{*this, devices_, s.lasting, test_build_});
    generation = new Generation{*this, *server, 0, s.lasting_endpoint};
    server->attach(s.name, *heap, s.generation + 1, s.holdings);
    started = server->start();
  }
  // What a launch that fails on the way made goes again: its endpoint (not
  // a lasting one), its holdings, its heap.
  auto abandon = [&](Error e) -> Result<void> {
    if (generation->endpoint != 0 && !s.lasting_endpoint)
      RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, generation->endpoint);
    s.holdings.release();
    destroy_heap(heap);
    return fail(e);
  };
  if (!started) return abandon(started.error());
  if (s.lasting_endpoint) {
    generation->endpoint = s.endpoint;
  } else {
    const rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
    if (ep.error != 0) return abandon(static_cast<Error>(ep.error));
    generation->endpoint = static_cast<rebound_handle>(ep.value);
  }
  // The name service's next generation gets the registry, or the name
  // leads to this generation: before it serves, so that nothing is
  // served by a generation the names do not know.
  if (auto r = register_name(s, server, generation->endpoint); !r) return abandon(r.error());
  auto thread = start_thread(s.name, heap, serve_thread, generation);
  if (!thread) return abandon(thread.error());
  // The supervisor registers with the name service's newest generation.
  if (s.lasting_endpoint) names_ = static_cast<NameServer*>(server);
  publish(s, server, server->generation());
  s.server = server;
  s.endpoint = generation->endpoint;
  s.thread = thread->handle;
  s.thread_slot = thread->slot;
  s.generation = server->generation();
  s.last_tries_failed = 0;
  s.last_beats = 0;
  s.stalled_since_ns = 0;
  return {};
}

// A new generation of the name service gets a registry of every other
// server; any other server's name leads to its new endpoint (the old one,
// if any, is the slot's to close).
Result<void> Supervisor::register_name(Slot& s, Server* server, rebound_handle endpoint) {
  if (s.lasting_endpoint) {
    auto* names = static_cast<NameServer*>(server);
    for (unsigned i = 0, n = count_.load(); i < n; ++i) {
      const Slot& other = slots_[i];
      if (&other != &s && other.server != nullptr) TRY_VOID(names->set(other.name, other.endpoint));
    }
    return {};
  }
  if (names_ == nullptr) return fail(Error::not_found);
  return names_->set(s.name, endpoint);
}

// References made from now on lead to `server`, and those made before fail.
void Supervisor::publish(Slot& s, Server* server, unsigned generation) {
  Locked locked(homes_lock_);
  s.home.server.store(server);
  s.home.generation.store(generation);
}

// Until no in-TAS call through a reference is inside `generation` (whose
// successor, or none, is published), or the hang limit has passed: a caller
// stuck in there is hung, and its own server is replaced for it; the old
// heap then goes from under it (its next touch faults, at its call's
// boundary).
void Supervisor::wait_for_callers(Slot& s, unsigned generation) {
  std::atomic<unsigned>& inside = s.home.inside[generation % 2];
  const uint64_t start = rb_clock();
  while (inside.load() != 0) {
    if (rb_clock() - start >= kHangLimitNs) {
      KLOG_WARN("tas: supervisor: %u in-TAS calls still inside %s (generation %u)", inside.load(),
                s.name, generation);
      return;
    }
    rb_sleep(1'000'000);
  }
}

void Supervisor::serve_thread(void* arg) {
  auto& g = *static_cast<Generation*>(arg);
  g.supervisor.serving_.fetch_add(1);
  const Error e = serve(g.endpoint, g.server);
  if (e == Error::server_restarted) {
    // Its state check failed. A lasting endpoint (the name service's) will
    // be served by the next generation: the caller hears at once, and its
    // retry waits there. Otherwise keep the last request's reply owed until
    // the supervisor, with the next generation up, fails it and kills us.
    if (g.lasting_endpoint) {
      rb_message m = status_reply(Error::server_restarted);
      rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m);
    }
    for (;;) rb_sleep(1'000'000'000);
  }
  if (e != Error::peer_closed)
    KLOG_ERROR("tas: %s stopped serving: %s", g.server.name(), rebound::to_string(e));
}

void Supervisor::replace(Slot& s, const char* why) {
  KLOG_WARN("tas: supervisor: %s (generation %u) %s: restarting it", s.name, s.generation, why);
  const rebound_handle old_endpoint = s.endpoint, old_thread = s.thread;
  const unsigned old_slot = s.thread_slot, old_generation = s.generation;
  mm::Heap& old_heap = s.server->heap();
  ++restarts_;
  // The old generation's devices, for the new one to take.
  s.holdings.release();
  const auto launched = launch(s);
  if (!launched) {
    KLOG_ERROR("tas: supervisor: %s not restarted: %s", s.name,
               rebound::to_string(launched.error()));
    s.server = nullptr;  // its name leads to the closed endpoint
    publish(s, nullptr, 0);
    if (s.lasting_endpoint) {
      // No name service: its callers fail rather than wait for none.
      names_ = nullptr;
      RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, old_endpoint, Error::peer_closed);
    }
  }
  // Clients of the old generation hear why; its thread, whatever it does,
  // ends (a reply it owes fails with the same reason). A lasting endpoint
  // stays open: its callers wait for the new generation.
  if (!s.lasting_endpoint)
    RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, old_endpoint, Error::server_restarted);
  RB_SYS1(REBOUND_SYS_THREAD_KILL, old_thread);
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, old_thread);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, old_thread);
  if (!s.lasting_endpoint) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, old_endpoint);
  release_thread_slot(old_slot);
  // Nothing runs on the old heap now, or will: it goes, with the old server
  // in it.
  wait_for_callers(s, old_generation);
  destroy_heap(&old_heap);
  if (launched) KLOG_INFO("tas: supervisor: %s restarted (generation %u)", s.name, s.generation);
}

// Hung: inside the same request (the heartbeat has not moved) for longer
// than the limit.
bool Supervisor::hung(Slot& s, uint64_t now) {
  const uint64_t beats = s.server->heartbeat().beats.load(std::memory_order_relaxed);
  if ((beats & 1) == 0 || beats != s.last_beats) {
    s.last_beats = beats;
    s.stalled_since_ns = 0;
    return false;
  }
  if (s.stalled_since_ns == 0) s.stalled_since_ns = now;
  return now - s.stalled_since_ns >= kHangLimitNs;
}

void Supervisor::poll() {
  const uint64_t now = rb_clock();
  for (unsigned i = 0, n = count_.load(); i < n; ++i) {
    Slot& s = slots_[i];
    if (s.server == nullptr) continue;  // its restart failed
    // Faults are the request loop's to recover from; the supervisor hears
    // of them (a fault that left the state broken fails the state check).
    const FaultCounters& f = s.server->faults();
    if (const uint64_t tries = f.tries_failed; tries != s.last_tries_failed) {
      KLOG_DEBUG("tas: supervisor: %s: %lu faulted tries (%lu requests failed)", s.name,
                 static_cast<unsigned long>(tries - s.last_tries_failed),
                 static_cast<unsigned long>(f.requests_failed));
      faults_seen_ += tries - s.last_tries_failed;
      s.last_tries_failed = tries;
    }
    if (s.server->heartbeat().suspect.load(std::memory_order_acquire))
      replace(s, "found its state corrupt");
    else if (hung(s, now))
      replace(s, "is hung (no heartbeat)");
  }
}

void Supervisor::watch() {
  for (;;) {
    rb_sleep(kPollNs);
    poll();
  }
}

void Supervisor::power_off(uint64_t status) {
  for (unsigned i = count_.load(); i-- > 0;) {
    ServerHome& home = slots_[i].home;
    const Current now = current(home);
    if (now.server == nullptr) continue;
    // Through a reference: a generation being replaced meanwhile is left be.
    (void)call(ServerRef<Server>(home, *now.server, now.generation), [](Server& s) { s.stop(); });
  }
  const rb_result r = RB_SYS2(REBOUND_SYS_SYSTEM_SHUTDOWN, devices_, status);
  KLOG_ERROR("tas: the kernel refused to power off: %s",
             rebound::to_string(static_cast<Error>(r.error)));
}

}  // namespace tas
