// The bounds-checked walk of a flattened device tree's structure block and
// the small helpers its visitors share. Internal to boot/: every parser of the
// blob (fdt.cpp, fdt_cpus.cpp) goes through this one walk, so a corrupt blob
// is caught the same way for each.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/fdt.h"

namespace boot::fdt_detail {

constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr size_t kHeaderSize = 40;
constexpr int kMaxDepth = 32;

inline uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

inline size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

// True if `s` (NUL-terminated within `limit`) equals `name` or `name@...`.
inline bool node_is(const char* s, const char* name) {
  size_t i = 0;
  for (; name[i] != '\0'; ++i) {
    if (s[i] != name[i]) return false;
  }
  return s[i] == '\0' || s[i] == '@';
}

inline bool equals(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

// Length of the NUL-terminated string at [p, p+limit), or `limit` if none.
inline size_t bounded_length(const uint8_t* p, size_t limit) {
  size_t n = 0;
  while (n < limit && p[n] != 0) ++n;
  return n;
}

inline uint64_t read_cells(const uint8_t* p, uint32_t cells) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < cells; ++i) v = (v << 32) | be32(p + 4 * i);
  return v;
}

// Whether a property value that is a list of NUL-terminated strings (such as
// "compatible") holds `wanted`. The last string may lack its NUL: the length
// bounds it.
inline bool string_list_has(const uint8_t* value, size_t length, const char* wanted) {
  for (size_t pos = 0; pos < length;) {
    const size_t n = bounded_length(value + pos, length - pos);
    size_t i = 0;
    while (i < n && wanted[i] != '\0' && wanted[i] == static_cast<char>(value[pos + i])) ++i;
    if (i == n && wanted[i] == '\0') return true;
    pos += n + 1;
  }
  return false;
}

// Walks the structure block of `blob`, checking every offset, and calls
// `v.begin_node(name, depth)`, `v.property(name, value, length, depth)` and
// `v.end_node(depth)` (depth 1 is the root). A visitor returns false to stop
// the walk early, which is a success.
template <class Visitor>
bool walk(const void* blob, size_t limit, Visitor& v, FdtError& error) {
  const auto* b = static_cast<const uint8_t*>(blob);
  if (limit < kHeaderSize) return error = FdtError::truncated, false;
  if (be32(b) != kMagic) return error = FdtError::bad_magic, false;
  const uint32_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
  const uint32_t version = be32(b + 20), last_compatible = be32(b + 24);
  const uint32_t strings_size = be32(b + 32), struct_size = be32(b + 36);
  if (version < 17 || last_compatible > 17) return error = FdtError::bad_version, false;
  if (total > limit || total < kHeaderSize) return error = FdtError::truncated, false;
  if (off_struct > total || struct_size > total - off_struct || off_strings > total ||
      strings_size > total - off_strings)
    return error = FdtError::truncated, false;

  const uint8_t* s = b + off_struct;
  const char* strings = reinterpret_cast<const char*>(b + off_strings);
  int depth = 0;
  for (size_t pos = 0;;) {
    if (pos + 4 > struct_size) return error = FdtError::truncated, false;
    const uint32_t token = be32(s + pos);
    pos += 4;
    switch (token) {
      case kBeginNode: {
        const size_t n = bounded_length(s + pos, struct_size - pos);
        if (n == struct_size - pos) return error = FdtError::truncated, false;
        const char* name = reinterpret_cast<const char*>(s + pos);
        if (++depth > kMaxDepth) return error = FdtError::bad_structure, false;
        if (!v.begin_node(name, depth)) return true;
        pos += align4(n + 1);
        break;
      }
      case kEndNode:
        if (depth < 1) return error = FdtError::bad_structure, false;
        if (!v.end_node(depth)) return true;
        --depth;
        break;
      case kProp: {
        if (pos + 8 > struct_size) return error = FdtError::truncated, false;
        const uint32_t len = be32(s + pos), name_off = be32(s + pos + 4);
        pos += 8;
        if (len > struct_size - pos || name_off >= strings_size)
          return error = FdtError::truncated, false;
        if (bounded_length(reinterpret_cast<const uint8_t*>(strings + name_off),
                           strings_size - name_off) == strings_size - name_off)
          return error = FdtError::truncated, false;
        // A property outside any node (before the root) is malformed.
        if (depth < 1) return error = FdtError::bad_structure, false;
        if (!v.property(strings + name_off, s + pos, len, depth)) return true;
        pos += align4(len);
        break;
      }
      case kNop: break;
      case kEnd:
        if (depth != 0) return error = FdtError::bad_structure, false;
        return true;
      default: return error = FdtError::bad_structure, false;
    }
  }
}

}  // namespace boot::fdt_detail
