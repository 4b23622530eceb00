#include "servers/fs/request_paths.h"

namespace tas::fs {

namespace {

// One path from `page` at `at` into `out` (REBOUND_FS_PATH_MAX bytes); `at`
// ends past its NUL.
Result<std::string_view> take_one(std::span<const uint8_t> page, size_t& at, char* out) {
  size_t n = 0;
  for (;;) {
    if (at >= page.size()) return fail(Error::invalid_argument);  // no NUL in the page
    const char c = static_cast<char>(page[at++]);
    if (c == '\0') break;
    // Too long: still look for its NUL, so an unterminated path says so.
    if (n == REBOUND_FS_PATH_MAX - 1) {
      while (at < page.size() && page[at] != 0) ++at;
      if (at >= page.size()) return fail(Error::invalid_argument);
      return fail(Error::name_too_long);
    }
    out[n++] = c;
  }
  out[n] = '\0';
  return std::string_view(out, n);
}

}  // namespace

Result<RequestPaths> take_paths(std::span<const uint8_t> page, unsigned count, PathCopies& copies) {
  if (count != 1 && count != 2) return fail(Error::invalid_argument);
  if (page.data() == nullptr || page.empty()) return fail(Error::bad_address);
  RequestPaths paths;
  size_t at = 0;
  TRY(first, take_one(page, at, copies.bytes));
  paths.first = first;
  if (count == 2) {
    TRY(second, take_one(page, at, copies.bytes + REBOUND_FS_PATH_MAX));
    paths.second = second;
  }
  return paths;
}

}  // namespace tas::fs
