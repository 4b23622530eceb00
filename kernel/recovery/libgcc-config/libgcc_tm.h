/* Rebound: GCC's unwinder needs no target configuration beyond the
   __LIBGCC_*__ macros that -fbuilding-libgcc predefines. */
