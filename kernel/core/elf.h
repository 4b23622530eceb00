// Reading a static ELF64 executable: the checks that decide whether a file
// may become a process, and the plan of what to map where. Pure and
// bounds-checked: any malformed file is Error::bad_image, never a wild read.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace core {

struct ElfSegment {
  uintptr_t vaddr;  // where the file bytes go
  uint64_t file_offset;
  uint64_t file_size;
  uint64_t mem_size;  // >= file_size; the rest is zero
  uint32_t perms;     // mm::perm read | write | execute
};

struct ElfPlan {
  static constexpr unsigned kMaxSegments = 8;
  uintptr_t entry = 0;
  ElfSegment segments[kMaxSegments];
  unsigned count = 0;
};

// Checks `image` as an executable for `machine` (EM_AARCH64 = 183,
// EM_X86_64 = 62) to be mapped in [user_base, user_top): little-endian
// ELF64, static (ET_EXEC), PT_LOAD segments inside the file and the user
// range, not overlapping (at page granularity), never writable and executable,
// at most `max_bytes` in all, and an entry point inside an executable segment.
Result<ElfPlan> parse_elf(const uint8_t* image, size_t size, uint16_t machine, uintptr_t user_base,
                          uintptr_t user_top, uint64_t max_bytes);

constexpr uint16_t kElfMachineAarch64 = 183;
constexpr uint16_t kElfMachineX86_64 = 62;

}  // namespace core
