/* The first code of every user program: the kernel enters at _start with
   argc, argv, the handle its spawner gave and a handle to the name service
   (each 0: none) in the first four argument registers and the stack pointer
   16-byte aligned on a stack whose top holds argv's strings. The
   environment's pointers follow argv's null. */
#include "rebound_sys.h"

int main(int argc, char** argv);

rebound_handle rb_startup_handle;
rebound_handle rb_names_handle;
char** environ;

__attribute__((noreturn, used)) void rb_start(uint64_t argc, char** argv, uint64_t handle,
                                              uint64_t names) {
  rb_startup_handle = (rebound_handle)handle;
  rb_names_handle = (rebound_handle)names;
  environ = argv + argc + 1;
  rb_exit(main((int)argc, argv));
}

#if defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n  mov x29, xzr\n  mov x30, xzr\n  b rb_start\n");
#elif defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n  xor %ebp, %ebp\n  call rb_start\n  ud2\n");
#endif

/* GCC may turn struct copies and zeroing into calls to these, even in
   freestanding code. Byte loops: the optimizer must not turn them into
   calls to themselves. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void* memset(void* d, int c,
                                                                           size_t n) {
  unsigned char* p = (unsigned char*)d;
  while (n-- > 0) *p++ = (unsigned char)c;
  return d;
}
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void* memcpy(void* d, const void* s,
                                                                           size_t n) {
  unsigned char* p = (unsigned char*)d;
  const unsigned char* q = (const unsigned char*)s;
  while (n-- > 0) *p++ = *q++;
  return d;
}
