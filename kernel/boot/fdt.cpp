#include "boot/fdt.h"

namespace boot {
namespace {

constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr size_t kHeaderSize = 40;
constexpr int kMaxDepth = 32;

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

// True if `s` (NUL-terminated within `limit`) equals `name` or `name@...`.
bool node_is(const char* s, const char* name) {
  size_t i = 0;
  for (; name[i] != '\0'; ++i) {
    if (s[i] != name[i]) return false;
  }
  return s[i] == '\0' || s[i] == '@';
}

bool equals(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

// Length of the NUL-terminated string at [p, p+limit), or `limit` if none.
size_t bounded_length(const uint8_t* p, size_t limit) {
  size_t n = 0;
  while (n < limit && p[n] != 0) ++n;
  return n;
}

uint64_t read_cells(const uint8_t* p, uint32_t cells) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < cells; ++i) v = (v << 32) | be32(p + 4 * i);
  return v;
}

}  // namespace

const char* to_string(FdtError e) {
  switch (e) {
    case FdtError::bad_magic: return "not a device tree (bad magic)";
    case FdtError::bad_version: return "unsupported device tree version";
    case FdtError::truncated: return "device tree truncated";
    case FdtError::bad_structure: return "malformed device tree structure";
    case FdtError::map_full: return "too many memory regions";
  }
  return "?";
}

size_t fdt_size(const void* blob) {
  const auto* b = static_cast<const uint8_t*>(blob);
  if (be32(b) != kMagic) return 0;
  return be32(b + 4);
}

bool fdt_parse(const void* blob, size_t limit, MemoryMap& map, FdtInfo& info, FdtError& error) {
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
  uint32_t address_cells = 2, size_cells = 1;  // defaults of the root node
  int depth = 0;
  bool in_memory = false, in_chosen = false;
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
        in_memory = depth == 2 && node_is(name, "memory");
        in_chosen = depth == 2 && node_is(name, "chosen");
        pos += align4(n + 1);
        break;
      }
      case kEndNode:
        if (--depth < 0) return error = FdtError::bad_structure, false;
        in_memory = in_chosen = false;
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
        const char* name = strings + name_off;
        const uint8_t* value = s + pos;
        if (depth == 1 && len == 4 && equals(name, "#address-cells")) address_cells = be32(value);
        if (depth == 1 && len == 4 && equals(name, "#size-cells")) size_cells = be32(value);
        if (in_memory && equals(name, "reg")) {
          if (address_cells == 0 || address_cells > 2 || size_cells > 2)
            return error = FdtError::bad_structure, false;
          const uint32_t entry = 4 * (address_cells + size_cells);
          for (uint32_t off = 0; off + entry <= len; off += entry) {
            const uint64_t base = read_cells(value + off, address_cells);
            const uint64_t size = read_cells(value + off + 4 * address_cells, size_cells);
            if (!map.add(base, size, RegionKind::usable)) return error = FdtError::map_full, false;
          }
        }
        if (in_chosen && equals(name, "bootargs") && len > 0) {
          info.bootargs = reinterpret_cast<const char*>(value);
          info.bootargs_length = bounded_length(value, len);
        }
        pos += align4(len);
        break;
      }
      case kNop: break;
      case kEnd:
        if (depth != 0) return error = FdtError::bad_structure, false;
        map.sort();
        return true;
      default: return error = FdtError::bad_structure, false;
    }
  }
}

}  // namespace boot
