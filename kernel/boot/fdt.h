// A read-only walker of a flattened device tree (DTB), enough to boot: RAM
// ranges from /memory nodes and the command line from /chosen. Every offset is
// bounds-checked: a corrupt blob is an error, never a wild read.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/memory_map.h"

namespace boot {

enum class FdtError : uint8_t { bad_magic, bad_version, truncated, bad_structure, map_full };

const char* to_string(FdtError e);

struct FdtInfo {
  const char* bootargs = nullptr;  // points into the blob; nullptr if absent
  size_t bootargs_length = 0;
};

// Total size of the blob from its header, or 0 if `blob` is no DTB.
size_t fdt_size(const void* blob);

// Parses `blob` (at most `limit` bytes), adding every /memory range to `map`.
// Returns true on success; on failure sets `error`.
bool fdt_parse(const void* blob, size_t limit, MemoryMap& map, FdtInfo& info, FdtError& error);

}  // namespace boot
