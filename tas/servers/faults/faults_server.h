// Fault injection in the TAS ("faults", test builds only): arms the named
// fault sites of the runtime and servers (recovery/fault_injection.h, the
// kernel's mechanism, compiled into the TAS), so that system tests can make
// a request fail on purpose and watch it recover. Protocol:
// abi/rebound/services.h.
#pragma once
#include "runtime/serve.h"

namespace tas {

class FaultsServer final : public Server {
 public:
  rb_message handle(rb_message& request) override;
};

}  // namespace tas
