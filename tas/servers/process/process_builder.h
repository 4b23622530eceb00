// Builds a process from a static ELF image held in the TAS's memory, as the
// kernel's PROCESS_SPAWN does from a boot image -- but here, so that the
// kernel reads no file format: PROCESS_CREATE, each segment a memory object
// filled here and mapped into the child (W^X as the ELF checks allow), a
// stack with argv at its top, PROCESS_START. The same layout as the
// kernel's loader (kernel/core/program_loader.h), so crt0 finds argc and
// argv where it always does.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"

namespace tas::process {

// The arguments: NUL-terminated strings back to back.
struct Argv {
  const char* block;
  size_t length;
};

// A new running process called `name` (a handle with every right);
// Error::bad_image for a malformed or foreign ELF, invalid_argument for bad
// arguments. `gift` (0: none) is given as its first handle.
Result<rebound_handle> build_process(const char* name, const uint8_t* image, size_t size, Argv argv,
                                     rebound_handle gift);

}  // namespace tas::process
