// x86_64 PC platform (QEMU q35): 16550 console on COM1, TSC clock calibrated
// against the PIT, 8259 PICs masked, isa-debug-exit for the exit status.
#include "arch/x86_64/platform.h"

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"

namespace arch {
namespace {
using x86_64::inb;
using x86_64::outb;

// 16550 UART registers, as offsets from COM1.
constexpr uint16_t kCom1 = 0x3f8;
constexpr uint16_t kUartData = 0, kUartIrqEnable = 1, kUartFifo = 2, kUartLineControl = 3,
                   kUartModemControl = 4, kUartLineStatus = 5;
constexpr uint8_t kLineStatusTxEmpty = 1 << 5;

// 8259 PICs (command, data ports).
constexpr uint16_t kPic1 = 0x20, kPic2 = 0xa0;

// PIT channel 2, gated through port 0x61 (its output reads back in bit 5).
constexpr uint16_t kPitChannel2 = 0x42, kPitCommand = 0x43, kPort61 = 0x61;
constexpr uint8_t kPort61Gate2 = 1 << 0, kPort61Speaker = 1 << 1, kPort61Out2 = 1 << 5;
constexpr uint64_t kPitHz = 1193182;

// isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=0x04).
constexpr uint16_t kDebugExitPort = 0xf4;

// monotonic_ns() = (tsc * g_ns_per_tick_fp) >> 32: fixed point, integer only.
uint64_t g_ns_per_tick_fp = uint64_t{1} << 32;  // 1 GHz until calibrated

void uart_init() {
  outb(kCom1 + kUartIrqEnable, 0);
  outb(kCom1 + kUartLineControl, 0x80);  // divisor latch
  outb(kCom1 + kUartData, 1);            // 115200 baud
  outb(kCom1 + kUartIrqEnable, 0);
  outb(kCom1 + kUartLineControl, 0x03);   // 8N1
  outb(kCom1 + kUartFifo, 0xc7);          // FIFOs on and cleared
  outb(kCom1 + kUartModemControl, 0x03);  // DTR, RTS; OUT2 off: no interrupt
}

void uart_putc(char c) {
  while ((inb(kCom1 + kUartLineStatus) & kLineStatusTxEmpty) == 0) {
  }
  outb(kCom1 + kUartData, static_cast<uint8_t>(c));
}

// Remaps the PICs' vectors above the exceptions (0x20-0x2f), so that a
// spurious interrupt cannot pose as one, and masks every line: the local
// APIC (local_apic.cpp) delivers the kernel's interrupts.
void pic_mask_all() {
  outb(kPic1, 0x11), outb(kPic2, 0x11);          // ICW1: init, ICW4 follows
  outb(kPic1 + 1, 0x20), outb(kPic2 + 1, 0x28);  // ICW2: vector bases
  outb(kPic1 + 1, 0x04), outb(kPic2 + 1, 0x02);  // ICW3: slave on IRQ2
  outb(kPic1 + 1, 0x01), outb(kPic2 + 1, 0x01);  // ICW4: 8086 mode
  outb(kPic1 + 1, 0xff), outb(kPic2 + 1, 0xff);  // mask all
}

uint64_t rdtsc() {
  uint32_t lo, hi;
  asm volatile("lfence\n rdtsc" : "=a"(lo), "=d"(hi)::"memory");
  return (uint64_t{hi} << 32) | lo;
}

// Counts TSC ticks while PIT channel 2 counts down ~10 ms (one-shot, mode 0).
bool calibrate_tsc() {
  constexpr uint16_t kCount = kPitHz / 100;
  constexpr uint64_t kMaxPolls = uint64_t{1} << 28;
  const uint8_t port61 = inb(kPort61);
  outb(kPort61, static_cast<uint8_t>((port61 & ~kPort61Speaker) | kPort61Gate2));
  outb(kPitCommand, 0xb0);  // channel 2, low then high byte, mode 0, binary
  outb(kPitChannel2, kCount & 0xff);
  outb(kPitChannel2, kCount >> 8);
  const uint64_t start = rdtsc();
  uint64_t polls = 0;
  while ((inb(kPort61) & kPort61Out2) == 0 && ++polls < kMaxPolls) {
  }
  const uint64_t ticks = rdtsc() - start;
  outb(kPort61, port61);
  if (polls == kMaxPolls || ticks == 0) return false;
  const uint64_t tsc_hz = ticks * kPitHz / kCount;
  g_ns_per_tick_fp = (uint64_t{1000000000} << 32) / tsc_hz;
  return true;
}

}  // namespace

const char* const kName = "x86_64";

void console_write(const char* text, unsigned long length) {
  for (unsigned long i = 0; i < length; ++i) {
    if (text[i] == '\n') uart_putc('\r');
    uart_putc(text[i]);
  }
}

uint64_t cycle_counter() { return rdtsc(); }

uint64_t monotonic_ns() {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rdtsc()) * g_ns_per_tick_fp) >> 32);
}

void shutdown(int status) {
  // QEMU's isa-debug-exit device exits QEMU with status (value << 1) | 1 for
  // a value written to its port: kExitOk (0) -> 1, kExitTestsFailed (1) -> 3,
  // kExitPanic (3) -> 7. The test harness decodes that. (A triple fault under
  // -no-reboot exits with 0, so an even status is never ours.)
  x86_64::outl(kDebugExitPort, static_cast<uint32_t>(status));
  for (;;) asm volatile("cli\n hlt");  // no debug-exit device: stop here
}

void wait_for_interrupt() {
  if (interrupts_enabled()) {
    asm volatile("hlt" ::: "memory");
    return;
  }
  // STI takes effect after the next instruction, so no interrupt can be
  // taken between it and HLT: one arriving now ends the HLT and is taken.
  asm volatile("sti\n hlt\n cli" ::: "memory");
}

void set_cpu_local(void* block) {
  x86_64::wrmsr(x86_64::kMsrGsBase, reinterpret_cast<uint64_t>(block));
}
void* cpu_local() { return reinterpret_cast<void*>(x86_64::rdmsr(x86_64::kMsrGsBase)); }

uint64_t user_tls() { return x86_64::rdmsr(x86_64::kMsrFsBase); }
void set_user_tls(uint64_t value) { x86_64::wrmsr(x86_64::kMsrFsBase, value); }

}  // namespace arch

namespace arch::x86_64 {
bool platform_init() {
  uart_init();
  pic_mask_all();
  return calibrate_tsc();
}
}  // namespace arch::x86_64
