// A read-only walker of a flattened device tree (DTB), enough to boot: RAM
// ranges from /memory nodes, the command line from /chosen, and the register
// ranges of a device found by its "compatible" string. Every offset is
// bounds-checked: a corrupt blob is an error, never a wild read.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/memory_map.h"

namespace boot {

enum class FdtError : uint8_t {
  bad_magic,
  bad_version,
  truncated,
  bad_structure,
  map_full,
  not_found,
};

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

// A register range of a device (physical address and size).
struct FdtRange {
  uint64_t base;
  uint64_t size;
};

// Finds the first node whose "compatible" list holds `compatible` and whose
// "status", if any, is "okay", and copies up to `max` of its "reg" ranges
// (decoded with its parent's #address-cells and #size-cells; bus address
// translation through "ranges" is not done: the devices the kernel looks up
// sit on the root's 1:1 bus) into `ranges`, setting `count` to how many it
// copied. Returns false with `error` set on a malformed blob, or
// FdtError::not_found if no enabled node with a "reg" matches.
bool fdt_find_reg(const void* blob, size_t limit, const char* compatible, FdtRange* ranges,
                  size_t max, size_t& count, FdtError& error);

}  // namespace boot
