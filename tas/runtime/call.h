// An in-TAS call: one server calls another through the callee's C++
// interface -- a plain call in the same address space: no kernel entry, no
// copy. The call is wrapped at the callee's boundary: it allocates from the
// callee's heap, and a fault inside the callee (a C++ exception, a CPU fault
// turned into one) unwinds to here, is counted against the callee, and comes
// back to the caller as Error::server_fault; if the callee's state check
// then fails, the supervisor is told to replace it. A callee the supervisor
// may restart is called through a ServerRef (server_ref.h).
#pragma once
#include <type_traits>
#include <utility>

#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault_injection.h"
#include "runtime/server.h"
#include "runtime/server_ref.h"
#include "runtime/thread.h"

namespace tas {

template <class C, class F>
auto call(C& callee, F&& f) -> Result<std::invoke_result_t<F, C&>> {
  using T = std::invoke_result_t<F, C&>;
  HeapScope scope(&callee.heap());
  auto r = recovery::catch_unwind([&]() -> T {
    recovery::fault_point("tas.call");
    return std::forward<F>(f)(callee);
  });
  if (r) [[likely]] {
    if constexpr (std::is_void_v<T>) {
      return {};
    } else {
      return std::move(*r);
    }
  }
  ++callee.faults().tries_failed;
  ++callee.faults().requests_failed;
  KLOG_WARN("tas: call into %s faulted: %s", callee.name(), r.error().message);
  if (!callee.state_ok()) callee.heartbeat().suspect.store(true, std::memory_order_release);
  return fail(Error::server_fault);
}

// The same through a reference to one generation of the callee:
// Error::server_restarted if that generation was replaced.
template <class T, class F>
auto call(const ServerRef<T>& ref, F&& f) -> Result<std::invoke_result_t<F, T&>> {
  // A copy in registers: the atomics around the call make the compiler
  // read anything in memory again, the reference included.
  const ServerRef<T> in = ref;
  TRY(callee, in.enter());
  struct Leave {
    const ServerRef<T>& ref;
    ~Leave() { ref.leave(); }
  } leave{in};
  return call(*callee, std::forward<F>(f));
}

}  // namespace tas
