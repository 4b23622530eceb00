// The real-time clock, as the time server reads it from user mode: one
// implementation per architecture (arch/<arch>/): QEMU virt's PL031
// (registers mapped with DEVICE_MAP for the read) and the PC's CMOS RTC
// (I/O ports 0x70-0x71 through IO_PORTS_ALLOW). Both keep UTC to the second.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"

namespace tas::time {

// Seconds since the Unix epoch, read now; Error::invalid_argument if the
// clock holds no valid date.
Result<uint64_t> read_rtc(rebound_handle devices);

}  // namespace tas::time
