/* System-call wrappers for user programs (no C library yet: issue "C
   library" adds one). Each returns the error (0 = success) and stores the
   values through the pointers given. Register convention:
   abi/rebound/syscall.h. */
#ifndef REBOUND_USER_SYS_H
#define REBOUND_USER_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "rebound/diagnostics.h"
#include "rebound/error.h"
#include "rebound/syscall.h"

struct rb_result {
  uint64_t error, value, value2;
};

static inline struct rb_result rb_syscall(uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2,
                                          uint64_t a3, uint64_t a4, uint64_t a5) {
  struct rb_result r;
#if defined(__aarch64__)
  register uint64_t x8 __asm__("x8") = n;
  register uint64_t x0 __asm__("x0") = a0;
  register uint64_t x1 __asm__("x1") = a1;
  register uint64_t x2 __asm__("x2") = a2;
  register uint64_t x3 __asm__("x3") = a3;
  register uint64_t x4 __asm__("x4") = a4;
  register uint64_t x5 __asm__("x5") = a5;
  __asm__ volatile("svc #0"
                   : "+r"(x0), "+r"(x1), "+r"(x2)
                   : "r"(x8), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  r.error = x0, r.value = x1, r.value2 = x2;
#elif defined(__x86_64__)
  register uint64_t r10 __asm__("r10") = a3;
  register uint64_t r8 __asm__("r8") = a4;
  register uint64_t r9 __asm__("r9") = a5;
  uint64_t rax = n, rdx = a2;
  __asm__ volatile("syscall"
                   : "+a"(rax), "+d"(rdx), "+r"(r8), "+S"(a1), "+D"(a0)
                   : "r"(r10), "r"(r9)
                   : "rcx", "r11", "memory");
  r.error = rax, r.value = rdx, r.value2 = r8;
#else
#error "unknown architecture"
#endif
  return r;
}

#define RB_SYS0(n) rb_syscall((n), 0, 0, 0, 0, 0, 0)
#define RB_SYS1(n, a) rb_syscall((n), (uint64_t)(a), 0, 0, 0, 0, 0)
#define RB_SYS2(n, a, b) rb_syscall((n), (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define RB_SYS3(n, a, b, c) rb_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define RB_SYS4(n, a, b, c, d) \
  rb_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define RB_SYS5(n, a, b, c, d, e) \
  rb_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), 0)
#define RB_SYS6(n, a, b, c, d, e, f)                                                         \
  rb_syscall((n), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), \
             (uint64_t)(f))

/* IPC: a message of REBOUND_IPC_WORDS words in registers, both ways, and
   one handle moved with it (abi/rebound/syscall.h). `n` is one of the IPC
   calls; `m` holds the words and handle (0: none) to send and gets the words
   and handle received (undefined on error). A handle sent leaves the
   sender's table even if the call then fails. Returns the error. */
struct rb_message {
  uint64_t w[REBOUND_IPC_WORDS];
  rebound_handle handle;
};

static inline uint64_t rb_ipc(uint64_t n, uint64_t handle, struct rb_message* m) {
#if defined(__aarch64__)
  register uint64_t x8 __asm__("x8") = n;
  register uint64_t x0 __asm__("x0") = handle;
  register uint64_t x1 __asm__("x1") = m->w[0];
  register uint64_t x2 __asm__("x2") = m->w[1];
  register uint64_t x3 __asm__("x3") = m->w[2];
  register uint64_t x4 __asm__("x4") = m->w[3];
  register uint64_t x5 __asm__("x5") = m->w[4];
  register uint64_t x6 __asm__("x6") = m->w[5];
  register uint64_t x7 __asm__("x7") = m->handle;
  __asm__ volatile("svc #0"
                   : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
                   : "r"(x8)
                   : "memory");
  m->w[0] = x1, m->w[1] = x2, m->w[2] = x3, m->w[3] = x4, m->w[4] = x5, m->w[5] = x6;
  m->handle = (rebound_handle)x7;
  return x0;
#elif defined(__x86_64__)
  register uint64_t r8 __asm__("r8") = m->w[1];
  register uint64_t r10 __asm__("r10") = m->w[3];
  register uint64_t r9 __asm__("r9") = m->w[4];
  register uint64_t r12 __asm__("r12") = m->w[5];
  register uint64_t r13 __asm__("r13") = m->handle;
  uint64_t rax = n, rdi = handle, rdx = m->w[0], rsi = m->w[2];
  __asm__ volatile("syscall"
                   : "+a"(rax), "+D"(rdi), "+d"(rdx), "+S"(rsi), "+r"(r10), "+r"(r8), "+r"(r9),
                     "+r"(r12), "+r"(r13)
                   :
                   : "rcx", "r11", "memory");
  m->w[0] = rdx, m->w[1] = r8, m->w[2] = rsi, m->w[3] = r10, m->w[4] = r9, m->w[5] = r12;
  m->handle = (rebound_handle)r13;
  return rax;
#else
#error "unknown architecture"
#endif
}

/* From now on this thread's IPC_CALL / IPC_CALL_GRANT fail with timed_out
   when no reply came within `ns` nanoseconds (0: they wait for as long as it
   takes, the default); *previous (unless null) gets the timeout it had.
   invalid_argument above REBOUND_IPC_TIMEOUT_MAX. Returns the error. */
static inline uint64_t rb_ipc_timeout_set(uint64_t ns, uint64_t* previous) {
  struct rb_result r = RB_SYS1(REBOUND_SYS_IPC_TIMEOUT_SET, ns);
  if (r.error == 0 && previous != 0) *previous = r.value;
  return r.error;
}

/* The handle the spawner gave this process (PROCESS_SPAWN's fifth argument),
   0 if none; set by crt0. */
extern rebound_handle rb_startup_handle;
/* A CALL handle to the TAS's name service (abi/rebound/services.h), 0 if the
   system runs without a TAS; set by crt0. */
extern rebound_handle rb_names_handle;
/* The environment: "KEY=VALUE" strings, null-ended (empty for a program the
   kernel started); set by crt0 (rb_process.h: rb_getenv). */
extern char** environ;

static inline size_t rb_strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

static inline uint64_t rb_null(void) { return RB_SYS0(REBOUND_SYS_NULL).error; }
static inline uint64_t rb_write(const char* s, size_t n) {
  return RB_SYS2(REBOUND_SYS_DEBUG_WRITE, s, n).error;
}
static inline uint64_t rb_print(const char* s) { return rb_write(s, rb_strlen(s)); }
__attribute__((noreturn)) static inline void rb_exit(int64_t code) {
  RB_SYS1(REBOUND_SYS_EXIT, code);
  for (;;) {
  }
}
static inline uint64_t rb_yield(void) { return RB_SYS0(REBOUND_SYS_YIELD).error; }
static inline uint64_t rb_sleep(uint64_t ns) { return RB_SYS1(REBOUND_SYS_SLEEP, ns).error; }
static inline uint64_t rb_clock(void) { return RB_SYS0(REBOUND_SYS_CLOCK).value; }
/* From now on this process's faults go to `entry`, an assembly entry that
   gets a frame (rebound/fault_frame.h); 0: none, faults kill. */
static inline uint64_t rb_fault_handler_set(uintptr_t entry) {
  return RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, entry).error;
}

/* Formats an unsigned number in `base` (2..16) into buf (24 bytes hold
   any in base 10 or 16); returns buf. */
static inline char* rb_format_unsigned(uint64_t v, unsigned base, char* buf) {
  char tmp[64];
  int n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return buf;
}
static inline char* rb_utoa(uint64_t v, char* buf) { return rb_format_unsigned(v, 10, buf); }
static inline char* rb_utox(uint64_t v, char* buf) { return rb_format_unsigned(v, 16, buf); }

#endif
