// Running the built-in user programs from in-kernel tests.
#pragma once
#include <cstddef>

#include "arch/arch.h"
#include "core/boot_images.h"
#include "core/process.h"
#include "core/tas_boot.h"
#include "core/timer.h"
#include "ktest/ktest.h"

namespace ktest {

// Spawns boot image `name` with argv = {name, arg} (arg nullptr: none),
// giving it `gift` as its startup handle (if any) and the TAS's name
// service, as the kernel's run= does. Makes sure the scheduler's tick runs
// (interrupt tests may have stopped it).
inline core::Ref<core::Process> spawn_program(const char* name, const char* arg = nullptr,
                                              const core::HandleTable::Gift& gift = {}) {
  KEXPECT(arch::timer_start(core::kTickPeriodNs).has_value());
  size_t n = 0, m = 0;
  while (name[n] != '\0') ++n;
  while (arg != nullptr && arg[m] != '\0') ++m;
  char argv[128];
  if (n + m + 2 > sizeof argv) return {};
  __builtin_memcpy(argv, name, n + 1);
  if (arg != nullptr) __builtin_memcpy(argv + n + 1, arg, m + 1);
  const core::BootImage* image = core::find_boot_image(name, n);
  KEXPECT(image != nullptr);
  if (image == nullptr) return {};
  auto p = core::Process::spawn(name, image->data, image->size, argv,
                                n + 1 + (arg != nullptr ? m + 1 : 0), gift, core::name_service());
  KEXPECT(p.has_value());
  return p ? *p : core::Ref<core::Process>{};
}

// Spawns it and waits for it; a program that could not start "exits" -999.
inline core::ExitStatus run_program(const char* name, const char* arg = nullptr) {
  core::Ref<core::Process> p = spawn_program(name, arg);
  return p ? *p->wait() : core::ExitStatus::exited(-999);
}

}  // namespace ktest
