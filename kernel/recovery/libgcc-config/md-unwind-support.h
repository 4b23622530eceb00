/* Rebound: no fallback frame-state for frames without FDEs (Linux uses one
   for signal trampolines; ours carry real CFI). On aarch64, the return-address
   signing support (pac-ret) of GCC's own port. */
#ifdef REBOUND_ARCH_aarch64
#include "config/aarch64/aarch64-unwind.h"
#endif
