// The interrupt vectors the kernel uses (the IDT has 256; 0-31 are the CPU's
// exceptions). The local APIC's priority class of a vector is its top four
// bits; handlers never nest, so the classes only order pending interrupts.
#pragma once
#include <cstdint>

namespace arch::x86_64 {

// 0x20-0x2f: the 8259 PICs' vectors, remapped there and masked
// (platform.cpp), with no gates: a stray one raises a #GP that names it.
// 0x30-0xdf: device lines (arch.h): GSI n through the I/O APIC on vector
// kFirstDeviceVector + n (device_lines.cpp).
constexpr uint8_t kFirstDeviceVector = 0x30;
constexpr unsigned kDeviceVectors = 0xb0;  // up to 0xdf
constexpr uint8_t kTimerVector = 0xe0;
constexpr uint8_t kIpiRescheduleVector = 0xf0;
constexpr uint8_t kIpiTlbShootdownVector = 0xf1;
// Delivered when an interrupt is withdrawn before the CPU takes it: no EOI.
// (Older APICs hardwire its low four bits to 1.)
constexpr uint8_t kSpuriousVector = 0xff;

}  // namespace arch::x86_64
