// Builds a process from a static ELF image held in the TAS's memory, as the
// kernel's PROCESS_SPAWN does from a boot image -- but here, so that the
// kernel reads no file format: PROCESS_CREATE, each segment a memory object
// filled here and mapped into the child (W^X as the ELF checks allow), a
// stack with argv and the environment at its top, PROCESS_START. The
// layout of the kernel's loader (kernel/core/program_loader.h), so crt0
// finds argc and argv where it always does: the pointer array holds argv,
// a null, the environment ("KEY=VALUE" strings), a null.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"

namespace tas::process {

// Strings: NUL-terminated, back to back (the arguments, the environment).
struct Strings {
  const char* block = nullptr;
  size_t length = 0;
};

// A new running process called `name` (a handle with every right);
// Error::bad_image for a malformed or foreign ELF, invalid_argument for bad
// arguments (more than 4 KiB or 64 strings together). `gift` (0: none) is
// given as its first handle.
Result<rebound_handle> build_process(const char* name, const uint8_t* image, size_t size,
                                     Strings argv, Strings env, rebound_handle gift);

}  // namespace tas::process
