// A server of the TAS: a name, a heap of its own (everything it allocates,
// in requests or in calls from other servers, comes from it), a request
// handler, and counters of the faults its requests met. In-TAS calls reach a
// server through its C++ interface with tas::call (call.h); user programs
// through its endpoint and request loop (serve.h). One base class only:
// single inheritance keeps libsupc++'s multiple-inheritance RTTI code, which
// uses FP/SIMD registers, out of the TAS.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "mm/heap.h"
#include "runtime/sys.h"

namespace tas {

struct FaultCounters {
  uint64_t requests_failed = 0;  // requests that faulted on every try
  uint64_t tries_failed = 0;     // tries that faulted (retried or not)
};

class Server {
 public:
  // Makes its heap; Error::limit_reached when every heap slot is taken.
  static Result<void> init(Server& s, const char* name);

  // Handles one request from a user program (word 0: the operation) and
  // returns the reply (word 0: the status). May throw: the request loop
  // catches it and tries again. A handler that keeps the request's handle
  // sets request.handle to 0; otherwise the loop closes it.
  virtual rb_message handle(rb_message& request) = 0;

  const char* name() const { return name_; }
  mm::Heap& heap() { return *heap_; }
  FaultCounters& faults() { return faults_; }

 protected:
  Server() = default;
  ~Server() = default;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

 private:
  const char* name_ = "";
  mm::Heap* heap_ = nullptr;
  FaultCounters faults_;
};

}  // namespace tas
