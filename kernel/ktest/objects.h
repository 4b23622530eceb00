// Kernel objects made for in-kernel tests.
#pragma once
#include "core/endpoint.h"
#include "ktest/ktest.h"

namespace ktest {

// A new endpoint (a failed check, and an empty reference, if none can be made).
inline core::Ref<core::Endpoint> new_endpoint() {
  auto ep = core::Endpoint::create();
  KEXPECT(ep.has_value());
  return ep ? *ep : core::Ref<core::Endpoint>{};
}

}  // namespace ktest
