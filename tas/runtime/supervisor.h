// The supervisor: knows every restartable server of the TAS, starts it, and
// replaces it when its state is suspect -- its request loop found its own
// state check failing (Server::state_ok), or its heartbeat stopped: a request
// has been running for longer than the hang limit.
//
// Replacing a server (a new generation), in this order:
//  0. what the old generation holds besides its heap is given back
//     (holdings.h): its own threads killed, saved replies answered with
//     Error::server_restarted, handles (a device's interrupt) closed,
//     device mappings removed -- so the new one can take the same devices;
//  1. a fresh heap (in a new window), a fresh object from the server's
//     factory, started (Server::start), a new endpoint, a new thread; the
//     name now leads there, and so does a new ServerRef (server_ref.h);
//  2. the old endpoint is closed with Error::server_restarted
//     (ENDPOINT_CLOSE): every client holding a handle to the old generation
//     -- queued, calling later, or whose request the old thread holds --
//     gets that error, and a lookup then finds the new generation;
//  3. the old thread is killed (THREAD_KILL: hung, or waiting after its
//     failed state check, owing its last reply) and joined; its stack slot
//     is free again;
//  4. once no in-TAS call through a ServerRef is inside the old generation
//     (waited for, up to the hang limit), the old heap is destroyed whole:
//     the old server object and everything it allocated lived there, so
//     nothing of the old state is left, and its pages go back to the kernel.
// Everything runs on the supervisor's thread (the TAS's first), which polls
// the servers every kPoll (the kernel has no timeout on receive yet); each poll also
// takes in the faults each server's requests met since the last one.
#pragma once
#include <atomic>

#include "runtime/holdings.h"
#include "runtime/lasting.h"
#include "runtime/server.h"
#include "runtime/server_ref.h"
#include "runtime/spin_lock.h"

namespace tas {

class NameServer;
class Supervisor;

// What a server's factory may hand to the server it makes.
struct Services {
  Supervisor& supervisor;  // for references to other servers (ref)
  rebound_handle devices;  // the device capability (0: none)
  Lasting& lasting;        // handles kept across the server's restarts
  bool test_build;         // the kernel is a test build (the TAS's argument "test")
};

class Supervisor {
 public:
  static constexpr unsigned kMaxServers = 16;
  static constexpr uint64_t kPollNs = 10'000'000;        // 10 ms
  static constexpr uint64_t kHangLimitNs = 300'000'000;  // a request this long is hung

  // Makes a server on the current heap (the supervisor sets that to the
  // server's fresh one).
  using Factory = Server* (*)(const Services& services);

  // The device capability, for servers started from now on (before start).
  void give_devices(rebound_handle devices) { devices_ = devices; }
  // Starts the name service (first: the others register with it), made by
  // `make`, on `endpoint` -- the one every process holds, which lasts
  // across its restarts.
  Result<void> start_names(rebound_handle endpoint, Factory make);
  // Whether servers started from now on are told they run on a test build.
  void set_test_build(bool test_build) { test_build_ = test_build; }
  // Starts a server: heap, object, its start, endpoint registered as
  // `name`, thread.
  Result<void> start(const char* name, Factory make);
  // A reference to the current generation of the server T (named
  // T::kService); Error::not_found if none serves under that name.
  template <class T>
  Result<ServerRef<T>> ref();
  // Server threads that have begun their request loops (of any generation).
  unsigned serving() const { return serving_.load(); }
  // The supervisor's watch, on the calling thread (the TAS's first): polls
  // the servers, forever.
  [[noreturn]] void watch();
  // Stops every server, the last started first (Server::stop), and powers
  // the machine off with `status` (SYSTEM_SHUTDOWN). Returns only if the
  // kernel refuses.
  void power_off(uint64_t status);

  // Restarts so far, and faulted tries seen, over all servers.
  uint64_t restarts() const { return restarts_; }
  uint64_t faults_seen() const { return faults_seen_; }

 private:
  struct Slot {
    const char* name = nullptr;
    Factory make = nullptr;
    Server* server = nullptr;  // on its own heap
    ServerHome home;           // server and generation, for references
    Holdings holdings;         // of the current generation
    Lasting lasting;           // of every generation
    rebound_handle endpoint = 0;
    bool lasting_endpoint = false;  // the name service's: never closed or replaced
    rebound_handle thread = 0;
    unsigned thread_slot = 0;
    unsigned generation = 0;
    uint64_t last_tries_failed = 0;  // of this generation, at the last poll
    uint64_t last_beats = 0;
    uint64_t stalled_since_ns = 0;  // 0: not stalled
  };

  Result<void> launch(Slot& s);
  Result<void> register_name(Slot& s, Server* server, rebound_handle endpoint);
  void replace(Slot& s, const char* why);
  void publish(Slot& s, Server* server, unsigned generation);
  // What `home` leads to now: its server (null if its restart failed) and
  // generation, read together.
  struct Current {
    Server* server;
    unsigned generation;
  };
  Current current(ServerHome& home) {
    Locked locked(homes_lock_);
    return {home.server.load(), home.generation.load()};
  }
  void wait_for_callers(Slot& s, unsigned generation);
  void poll();
  bool hung(Slot& s, uint64_t now);
  struct Generation;
  static void serve_thread(void* generation);

  NameServer* names_ = nullptr;  // the name service's current generation
  rebound_handle devices_ = 0;
  bool test_build_ = false;
  SpinLock homes_lock_;  // each home's server and generation change together
  Slot slots_[kMaxServers];
  std::atomic<unsigned> count_{0};  // slots started (refs read it from any thread)
  uint64_t restarts_ = 0;
  uint64_t faults_seen_ = 0;
  std::atomic<unsigned> serving_{0};
};

template <class T>
Result<ServerRef<T>> Supervisor::ref() {
  for (unsigned i = 0, n = count_.load(); i < n; ++i) {
    ServerHome& home = slots_[i].home;
    if (__builtin_strcmp(home.name, T::kService) != 0) continue;
    const Current now = current(home);
    if (now.server == nullptr) return fail(Error::not_found);  // its restart failed
    return ServerRef<T>(home, *static_cast<T*>(now.server), now.generation);
  }
  return fail(Error::not_found);
}

}  // namespace tas
