// The RTC on aarch64: QEMU virt's PL031, whose data register counts seconds
// since the Unix epoch. Mapped for the one read, then unmapped.
#include "runtime/sys.h"
#include "servers/time/rtc.h"

namespace tas::time {

Result<uint64_t> read_rtc(rebound_handle devices) {
  constexpr uint64_t kPhys = 0x09010000;  // QEMU virt
  constexpr uintptr_t kData = 0x00;
  TRY(address, value(RB_SYS5(REBOUND_SYS_DEVICE_MAP, devices, kPhys, 4096, 0, REBOUND_VM_READ)));
  const uint32_t seconds = *reinterpret_cast<volatile uint32_t*>(address + kData);
  RB_SYS3(REBOUND_SYS_VM_UNMAP, address, 4096, 0);
  return uint64_t{seconds};
}

}  // namespace tas::time
