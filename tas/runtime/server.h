// A server of the TAS: a name, a heap of its own (everything it allocates,
// in requests or in calls from other servers, comes from it), what else it
// holds (threads, handles: holdings.h), a request handler, and counters of
// the faults its requests met. In-TAS calls reach a
// server through its C++ interface with tas::call (call.h); user programs
// through its endpoint and request loop (serve.h). One base class only:
// single inheritance keeps libsupc++'s multiple-inheritance RTTI code, which
// uses FP/SIMD registers, out of the TAS.
#pragma once
#include <atomic>
#include <cstdint>

#include "lib/result.h"
#include "mm/heap.h"
#include "runtime/holdings.h"
#include "runtime/sys.h"

namespace tas {

struct FaultCounters {
  uint64_t requests_failed = 0;  // requests that faulted on every try
  uint64_t tries_failed = 0;     // tries that faulted (retried or not)
};

// What the supervisor watches (runtime/supervisor.h), written by the
// server's request loop: a heartbeat per request, and the server's own
// verdict on its state.
struct Heartbeat {
  // One more as each request begins and as it ends: odd while inside one.
  std::atomic<uint64_t> beats{0};
  std::atomic<bool> suspect{false};  // its state check failed: replace it

  // One more beat, by the request loop (the only writer): no atomic
  // read-modify-write, just a store the supervisor reads whole -- on
  // x86_64 one add to memory.
  void beat() {
#if defined(__x86_64__)
    asm volatile("addq $1, %0" : "+m"(beats));
#else
    beats.store(beats.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
#endif
  }
};

class Server {
 public:
  // A server made on its own heap (by the supervisor) learns its name, heap,
  // generation (1, then one more for each restart) and where to keep what
  // else it holds.
  void attach(const char* name, mm::Heap& heap, unsigned generation, Holdings& holdings) {
    name_ = name;
    heap_ = &heap;
    generation_ = generation;
    holdings_ = &holdings;
  }
  // Takes what the server needs beyond its heap (devices, threads of its
  // own: into holdings()), once attached and before its first request. On
  // its heap. A failure ends the generation before it serves.
  virtual Result<void> start() { return {}; }

  // Handles one request from a user program (word 0: the operation) and
  // returns the reply (word 0: the status). May throw: the request loop
  // catches it and tries again. A handler that keeps the request's handle
  // sets request.handle to 0; otherwise the loop closes it.
  virtual rb_message handle(rb_message& request) = 0;
  // The server's check of its own invariants, after every request: false
  // means its state may be corrupt, and the supervisor replaces it.
  virtual bool state_ok() const { return true; }
  // The machine is about to power off (Supervisor::power_off): put on the
  // devices what must be there (the fs server unmounts its volume clean).
  // Requests after it may fail. An in-TAS call.
  virtual void stop() {}

  const char* name() const { return name_; }
  mm::Heap& heap() { return *heap_; }
  Holdings& holdings() { return *holdings_; }
  FaultCounters& faults() { return faults_; }
  Heartbeat& heartbeat() { return heartbeat_; }
  unsigned generation() const { return generation_; }

 protected:
  Server() = default;
  ~Server() = default;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

 private:
  const char* name_ = "";
  mm::Heap* heap_ = nullptr;
  Holdings* holdings_ = nullptr;
  unsigned generation_ = 1;
  FaultCounters faults_;
  Heartbeat heartbeat_;
};

}  // namespace tas
