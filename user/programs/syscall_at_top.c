/* A system call made by the last two bytes of the user half (x86_64;
   elsewhere it exits 99): it returns to 2^47, which is not a canonical
   address. SYSRET there would fault in ring 0 with the user's stack; the
   kernel must instead kill the process with a protection fault at 2^47,
   as the CPU would have faulted there. Exits 1 if it ever runs on. */
#include "rebound_sys.h"

int main(void) {
#if defined(__x86_64__)
  const uint64_t page = 0x7ffffffff000ull;
  if (RB_SYS3(REBOUND_SYS_VM_MAP, page, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE).error != 0)
    return 2;
  volatile uint8_t* code = (volatile uint8_t*)(uintptr_t)(page + 4094);
  code[0] = 0x0f; /* syscall */
  code[1] = 0x05;
  if (RB_SYS3(REBOUND_SYS_VM_PROTECT, page, 4096, REBOUND_VM_READ | REBOUND_VM_EXECUTE).error != 0)
    return 3;
  __asm__ volatile("jmp *%0" ::"r"(page + 4094), "a"((uint64_t)REBOUND_SYS_NULL) : "memory");
  return 1;
#else
  return 99;
#endif
}
