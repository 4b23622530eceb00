// The console UART on x86_64: COM1, a 16550, through I/O ports the kernel
// lets the TAS use (IO_PORTS_ALLOW). The kernel set it up at boot (115200
// 8N1, FIFOs on) and only transmits; this driver turns on the receive
// interrupt (IER), lets it out to the interrupt controller (MCR OUT2) and
// lowers the FIFO's trigger level to one byte so that each keystroke
// interrupts at once. ISA IRQ 4.
#include "runtime/sys.h"
#include "servers/console/uart.h"

namespace tas::console::uart {
namespace {

constexpr uint16_t kBase = 0x3f8, kPorts = 8;
constexpr uint16_t kData = 0, kIrqEnable = 1, kFifo = 2, kModemControl = 4, kLineStatus = 5;
constexpr uint8_t kRxReady = 1 << 0, kTxEmpty = 1 << 5;
constexpr uint8_t kIrqRxData = 1 << 0, kOut2 = 1 << 3;
constexpr uint8_t kFifoOn = 1 << 0;  // trigger level 1 byte; not clearing (the kernel transmits)
constexpr unsigned kLine = 4;

uint8_t in(uint16_t reg) {
  uint8_t v;
  asm volatile("inb %w1, %b0" : "=a"(v) : "Nd"(static_cast<uint16_t>(kBase + reg)));
  return v;
}
void out(uint16_t reg, uint8_t v) {
  asm volatile("outb %b0, %w1" ::"a"(v), "Nd"(static_cast<uint16_t>(kBase + reg)));
}

}  // namespace

// (I/O ports are the process's, not a mapping: nothing to hold.)
Result<void> attach(rebound_handle devices, Holdings&) {
  TRY_VOID(check(RB_SYS3(REBOUND_SYS_IO_PORTS_ALLOW, devices, kBase, kPorts).error));
  out(kFifo, kFifoOn);
  out(kIrqEnable, kIrqRxData);
  out(kModemControl, in(kModemControl) | kOut2);
  return {};
}

unsigned interrupt_line() { return kLine; }

bool get(char& c) {
  if ((in(kLineStatus)&kRxReady) == 0) return false;
  c = static_cast<char>(in(kData));
  return true;
}

void put(char c) {
  while ((in(kLineStatus)&kTxEmpty) == 0) {
  }
  out(kData, static_cast<uint8_t>(c));
}

}  // namespace tas::console::uart
