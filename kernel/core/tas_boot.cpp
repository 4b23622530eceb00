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

// Appends `word` and its NUL to args at `at`.
void add_arg(char* args, size_t& at, const char* word, size_t length) {
  __builtin_memcpy(args + at, word, length);
  args[at + length] = '\0';
  at += length + 1;
}

Result<void> start(const KernelOptions& options, bool test_build) {
  static constexpr char kName[] = "tas";
  const BootImage* image = find_boot_image(kName, sizeof kName - 1);
  if (image == nullptr) return fail(Error::not_found);
  TRY(names, Endpoint::create());
  char args[sizeof options.init_args + 16];
  size_t length = 0;
  add_arg(args, length, kName, 3);
  if (test_build) add_arg(args, length, "test", 4);
  if (starts_init(options, test_build)) {
    add_arg(args, length, "init", 4);
    __builtin_memcpy(args + length, options.init_args, options.init_args_length);
    length += options.init_args_length;
  }
  TRY(tas, Process::spawn(kName, image->data, image->size, args, length,
                          HandleTable::Gift{names, REBOUND_RIGHTS_ALL}, names));
  // The kernel's own call: the reply comes once the TAS's servers are up
  // (a TAS that dies first closes the endpoint: peer_closed). It brings the
  // device capability, the TAS's drivers' alone: no other process ever gets
  // one. (A DeviceControl needs no handle counting: a MovedHandle made here
  // stands for a handle.)
  // Known as the TAS before the ping: its answer comes once every server
  // serves, and the process server may start /bin/init first, whose message
  // buffer the kernel maps into the TAS (tas_space()).
  g_tas = tas;
  TRY(devices, DeviceControl::create());
  Message ping;
  ping.words[0] = REBOUND_NAMES_PING;
  auto reply = names->call(ping, MovedHandle(std::move(devices), REBOUND_RIGHT_DUPLICATE));
  if (!reply || reply->words[0] != 0) {
    g_tas.reset();
    return fail(reply ? static_cast<Error>(reply->words[0]) : reply.error());
  }
  g_names = std::move(names);
  return {};
}

}  // namespace

void start_tas(const KernelOptions& options, bool test_build) {
  if (auto r = start(options, test_build); !r) {
    KLOG_ERROR("tas: not started (%s): no servers", rebound::to_string(r.error()));
    return;
  }
  KLOG_INFO("tas: servers up");
}

const Ref<Endpoint>& name_service() { return g_names; }

AddressSpace* tas_space() { return g_tas ? g_tas->space() : nullptr; }

}  // namespace core
