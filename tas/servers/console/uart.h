// The console's serial port, as its driver sees it from user mode: the
// same UART the kernel writes its log to (arch/<arch>/platform.cpp), which
// only transmits on it. One implementation per architecture
// (arch/<arch>/): QEMU virt's PL011 (device registers mapped with
// DEVICE_MAP, receive interrupt SPI 1 = line 33) and the PC's COM1 16550
// (I/O ports 0x3f8-0x3ff through IO_PORTS_ALLOW, ISA IRQ 4 = line 4).
#pragma once
#include "lib/result.h"
#include "rebound/syscall.h"
#include "runtime/holdings.h"

namespace tas::console::uart {

// Takes the UART with the device capability `devices` (a mapping of its
// registers goes into `holdings`) and turns on its receive interrupt (at
// the UART: the line itself is bound by the caller).
Result<void> attach(rebound_handle devices, Holdings& holdings);
// Its receive interrupt's device line (arch.h in the kernel).
unsigned interrupt_line();
// A received character, if one waits.
bool get(char& c);
// Sends one character (waits for room).
void put(char c);

}  // namespace tas::console::uart
