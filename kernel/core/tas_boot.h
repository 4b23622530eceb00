// The Trusted Address Space (tas/): the first user process, holding every
// server. The kernel starts it at boot with a fresh endpoint, the name
// service, as its startup handle (every right: it serves it), and gives a
// CALL handle to that endpoint to every process it starts after it; their
// children inherit it (Process::spawn). The kernel's first call on the name
// service, a ping answered once every server is up, moves the device
// capability (core/device_control.h) to the TAS.
#pragma once
#include "core/address_space.h"
#include "core/endpoint.h"
#include "core/kernel_options.h"

namespace core {

// Starts the TAS from boot image "tas" and waits until it answers a ping on
// the name service (every server up). Its arguments: "test" on a test build
// (it serves fault injection), and "init" followed by init's command words
// when it is to start /bin/init (kernel_options.h). Logs and carries on
// without it on failure.
void start_tas(const KernelOptions& options, bool test_build);

// The name service, or null if the TAS did not start.
const Ref<Endpoint>& name_service();

// The TAS's address space, or null if the TAS did not start or has ended.
AddressSpace* tas_space();

}  // namespace core
