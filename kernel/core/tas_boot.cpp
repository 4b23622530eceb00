#include "core/tas_boot.h"

#include "core/boot_images.h"
#include "core/device_control.h"
#include "core/process.h"
#include "lib/log.h"
#include "rebound/services.h"

namespace core {
namespace {

Ref<Endpoint> g_names;
Ref<Process> g_tas;

Result<void> start(bool test_build) {
  static constexpr char kName[] = "tas";
  const BootImage* image = find_boot_image(kName, sizeof kName - 1);
  if (image == nullptr) return fail(Error::not_found);
  TRY(names, Endpoint::create());
  static constexpr char kArgs[] = "tas\0test";
  const size_t args = test_build ? sizeof kArgs : sizeof "tas";
  TRY(tas, Process::spawn(kName, image->data, image->size, kArgs, args,
                          HandleTable::Gift{names, REBOUND_RIGHTS_ALL}, names));
  // The kernel's own call: the reply comes once the TAS's servers are up
  // (a TAS that dies first closes the endpoint: peer_closed). It brings the
  // device capability, the TAS's drivers' alone: no other process ever gets
  // one. (A DeviceControl needs no handle counting: a MovedHandle made here
  // stands for a handle.)
  TRY(devices, DeviceControl::create());
  Message ping;
  ping.words[0] = REBOUND_NAMES_PING;
  TRY(reply, names->call(ping, MovedHandle(std::move(devices), REBOUND_RIGHT_DUPLICATE)));
  if (reply.words[0] != 0) return fail(static_cast<Error>(reply.words[0]));
  g_names = std::move(names);
  g_tas = std::move(tas);
  return {};
}

}  // namespace

void start_tas(bool test_build) {
  if (auto r = start(test_build); !r) {
    KLOG_ERROR("tas: not started (%s): no servers", rebound::to_string(r.error()));
    return;
  }
  KLOG_INFO("tas: servers up");
}

const Ref<Endpoint>& name_service() { return g_names; }

AddressSpace* tas_space() { return g_tas ? g_tas->space() : nullptr; }

}  // namespace core
