// aarch64 QEMU virt platform: PL011 console, generic timer, semihosting exit.
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"

namespace arch {
namespace {
using aarch64::kUartPhys;
constexpr unsigned kUartDr = 0x00, kUartFr = 0x18, kUartFrTxFull = 1u << 5;

volatile uint32_t* uart(unsigned reg) {
  return reinterpret_cast<volatile uint32_t*>(aarch64::phys_to_virt(kUartPhys) + reg);
}

void uart_putc(char c) {
  while ((*uart(kUartFr) & kUartFrTxFull) != 0) {
  }
  *uart(kUartDr) = static_cast<uint8_t>(c);
}
}  // namespace

const char* const kName = "aarch64";

void console_write(const char* text, unsigned long length) {
  for (unsigned long i = 0; i < length; ++i) {
    if (text[i] == '\n') uart_putc('\r');
    uart_putc(text[i]);
  }
}

uint64_t cycle_counter() {
  aarch64::isb();
  return READ_SYSREG(cntvct_el0);
}

uint64_t monotonic_ns() {
  const uint64_t freq = READ_SYSREG(cntfrq_el0);
  const uint64_t t = cycle_counter();
  return t / freq * 1000000000 + t % freq * 1000000000 / freq;
}

void shutdown(int status) {
  // Semihosting SYS_EXIT with the extended parameter block, so that QEMU
  // exits with `status` (needs -semihosting-config enable=on,target=native).
  const uint64_t block[2] = {0x20026 /* ADP_Stopped_ApplicationExit */,
                             static_cast<uint64_t>(status)};
  register uint64_t op asm("x0") = 0x18;
  register const uint64_t* arg asm("x1") = block;
  asm volatile("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
  for (;;) asm volatile("wfi");  // no semihosting: stop here
}

void wait_for_interrupt() {
  // WFI wakes for a pending interrupt even while PSTATE.I masks it, so
  // waiting masked cannot miss one; unmasking afterwards takes it (the ISB
  // makes the CPU see the new mask before it masks again).
  if (interrupts_enabled()) {
    asm volatile("wfi" ::: "memory");
    return;
  }
  asm volatile("wfi\n msr daifclr, #2\n isb\n msr daifset, #2" ::: "memory");
}

void set_cpu_local(void* block) { WRITE_SYSREG(tpidr_el1, reinterpret_cast<uint64_t>(block)); }
void* cpu_local() { return reinterpret_cast<void*>(READ_SYSREG(tpidr_el1)); }

uint64_t user_tls() { return READ_SYSREG(tpidr_el0); }
void set_user_tls(uint64_t value) { WRITE_SYSREG(tpidr_el0, value); }

}  // namespace arch
