// The paths of a file-system request (abi/rebound/services.h, "fs"): one or
// two NUL-terminated strings at the start of the caller's payload page,
// the second right after the first's NUL. The page is the client's memory,
// which its other threads may change at any time: each byte is read once,
// into the server's own memory, and only that copy is used.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lib/result.h"
#include "rebound/services.h"

namespace tas::fs {

// Room for two paths, each at most REBOUND_FS_PATH_MAX bytes with its NUL.
struct PathCopies {
  char bytes[2 * REBOUND_FS_PATH_MAX];
};

struct RequestPaths {
  std::string_view first;   // into the copies
  std::string_view second;  // empty unless two were asked for
};

// Copies `count` (1 or 2) paths from `page` into `copies`. Errors:
// bad_address (no page: the caller has no message buffer), invalid_argument
// (a path runs to the end of the page with no NUL; a count other than 1 or
// 2), name_too_long (a path of REBOUND_FS_PATH_MAX bytes or more before its
// NUL).
Result<RequestPaths> take_paths(std::span<const uint8_t> page, unsigned count, PathCopies& copies);

}  // namespace tas::fs
