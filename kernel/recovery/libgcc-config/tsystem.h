/* Rebound: the freestanding environment of GCC's unwinder inside the kernel.
   Replaces gcc/tsystem.h, which pulls in host headers. */
#ifndef REBOUND_TSYSTEM_H
#define REBOUND_TSYSTEM_H
#include <stddef.h>
#include <stdint.h>

/* Corrupt unwind tables: there is no way to continue an unwind. */
extern void abort(void) __attribute__((__noreturn__));
extern void *memcpy(void *, const void *, size_t);
extern void *memset(void *, int, size_t);

#ifndef NULL
#define NULL 0
#endif
#define alloca(x) __builtin_alloca(x)
#define gcc_assert(EXPR) ((void)(!(EXPR) ? abort(), 0 : 0))
#define gcc_unreachable() (abort())
#define CONST_CAST2(TOTYPE, FROMTYPE, X) \
  ((__extension__(union {FROMTYPE _q; TOTYPE _nq;})(X))._nq)
#define CONST_CAST(TYPE, X) CONST_CAST2(TYPE, const TYPE, (X))
#ifndef ATTRIBUTE_UNUSED
#define ATTRIBUTE_UNUSED __attribute__((__unused__))
#endif
#endif
