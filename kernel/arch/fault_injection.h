// Instructions that fault on purpose, for tests and (later) fault-injection
// campaigns. GCC 12 does not treat an inline asm as a trapping instruction
// under -fnon-call-exceptions (no cleanup region covers it), so use these from
// a small noinline function: the call to it is what the caller's cleanups
// cover, and the unwinder walks from the faulting leaf into the caller.
#pragma once

#if defined(__aarch64__)
#define ARCH_UNDEFINED_INSTRUCTION() asm volatile("udf #0" ::: "memory")
// An exclusive load must be aligned even where ordinary loads need not be.
#define ARCH_MISALIGNED_ACCESS(p)                                 \
  ({                                                              \
    uint64_t v_;                                                  \
    asm volatile("ldxr %0, [%1]" : "=r"(v_) : "r"(p) : "memory"); \
    v_;                                                           \
  })
#define ARCH_HAS_ALIGNMENT_FAULT 1
#elif defined(__x86_64__)
#define ARCH_UNDEFINED_INSTRUCTION() asm volatile("ud2" ::: "memory")
#define ARCH_HAS_DIVIDE_ERROR 1
#else
#error "unknown architecture"
#endif
