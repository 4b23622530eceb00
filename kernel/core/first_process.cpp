#include "core/first_process.h"

#include "arch/arch.h"
#include "core/boot_images.h"
#include "core/process.h"
#include "core/tas_boot.h"
#include "lib/log.h"

namespace core {

int run_first_process(const char* name) {
  size_t n = 0;
  while (name[n] != '\0') ++n;
  const BootImage* image = find_boot_image(name, n);
  if (image == nullptr) {
    KLOG_ERROR("run: no built-in program '%s'", name);
    return arch::kExitPanic + 1;
  }
  auto p = Process::spawn(image->name, image->data, image->size, name, n + 1, {}, name_service());
  if (!p) {
    KLOG_ERROR("run: cannot start '%s': %s", name, rebound::to_string(p.error()));
    return arch::kExitPanic + 1;
  }
  const ExitStatus s = *(*p)->wait();  // a kernel thread's wait is never interrupted
  if (s.killed) {
    KLOG_INFO("run: process %s killed by %s at address %p", name, recovery::to_string(s.fault),
              reinterpret_cast<void*>(s.address));
    return arch::kExitPanic + 1;
  }
  KLOG_INFO("run: process %s exited with code %ld", name, static_cast<long>(s.code));
  return static_cast<int>(s.code & 0xff);
}

}  // namespace core
