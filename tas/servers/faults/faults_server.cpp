#include "servers/faults/faults_server.h"

#include "recovery/fault_injection.h"
#include "servers/names/name_server.h"

namespace tas {

rb_message FaultsServer::handle(rb_message& request) {
  if (request.w[0] != REBOUND_FAULTS_ARM) return status_reply(Error::invalid_argument);
  char site[REBOUND_NAME_MAX + 1];
  if (!unpack_name(request, site)) return status_reply(Error::invalid_argument);
  const auto kind = static_cast<unsigned>(request.w[5]);
  const auto count = static_cast<unsigned>(request.w[5] >> 32);
  // A null read is a real CPU fault: the kernel delivers it to the faulting
  // thread, which throws it (runtime/cpu_faults.h). A corruption or a hang
  // is for the supervisor to find (runtime/supervisor.h).
  if (kind > REBOUND_INJECT_HANG) return status_reply(Error::not_supported);
  recovery::arm_fault(site, __builtin_strlen(site), kind, count);
  return ok_reply();
}

}  // namespace tas
