// An in-TAS call: one server calls another through the callee's C++
// interface -- a plain call in the same address space: no kernel entry, no
// copy. The call is wrapped at the callee's boundary: it allocates from the
// callee's heap, and a fault inside the callee (a C++ exception, a CPU fault
// turned into one) unwinds to here, is counted against the callee, and comes
// back to the caller as Error::server_fault.
#pragma once
#include <type_traits>
#include <utility>

#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault_injection.h"
#include "runtime/server.h"
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
  return fail(Error::server_fault);
}

}  // namespace tas
