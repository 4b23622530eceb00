/* x86_64: a user program has no I/O port, even right after the TAS's
   console server -- which has COM1's ports -- ran on the same CPU: it
   writes through the console (the server's thread runs on this CPU and
   loads its ports into the CPU's I/O bitmap), then reads COM1 itself. The
   read must fault (the system test expects the kill, a protection fault).
   On aarch64 there are no ports: it says so and exits 0. */
#include "rb_console.h"

int main(void) {
#if defined(__x86_64__)
  rebound_handle console = 0;
  if (rb_console_open(&console) != 0) return 1;
  rb_console_print(console, "port_denied: reading COM1\n");
  uint8_t v;
  __asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"((uint16_t)0x3fd));
  rb_print("port_denied: the read went through\n");
  return 2;
#else
  rb_print("port_denied: no I/O ports on this architecture\n");
  return 0;
#endif
}
