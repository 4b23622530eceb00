/* Rebound: GCC's unwinder needs no target configuration beyond the
   __LIBGCC_*__ macros that -fbuilding-libgcc predefines, and these defaults
   (from gcc/defaults.h). */
#ifndef DWARF_REG_TO_UNWIND_COLUMN
#define DWARF_REG_TO_UNWIND_COLUMN(REGNO) (REGNO)
#endif
