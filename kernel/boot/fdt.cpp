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

// Whether a property value that is a list of NUL-terminated strings (such as
// "compatible") holds `wanted`. The last string may lack its NUL: the length
// bounds it.
bool string_list_has(const uint8_t* value, size_t length, const char* wanted) {
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
// the walk early, which is a success. Both public entry points share this
// walk, so a corrupt blob is caught the same way for each.
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

// fdt_parse: RAM from /memory nodes, the command line from /chosen.
struct BootVisitor {
  MemoryMap& map;
  FdtInfo& info;
  FdtError& error;
  bool failed = false;
  uint32_t address_cells = 2, size_cells = 1;  // defaults of the root node
  bool in_memory = false, in_chosen = false;

  bool begin_node(const char* name, int depth) {
    in_memory = depth == 2 && node_is(name, "memory");
    in_chosen = depth == 2 && node_is(name, "chosen");
    return true;
  }
  bool end_node(int) {
    in_memory = in_chosen = false;
    return true;
  }
  bool property(const char* name, const uint8_t* value, uint32_t len, int depth) {
    if (depth == 1 && len == 4 && equals(name, "#address-cells")) address_cells = be32(value);
    if (depth == 1 && len == 4 && equals(name, "#size-cells")) size_cells = be32(value);
    if (in_memory && equals(name, "reg")) {
      if (address_cells == 0 || address_cells > 2 || size_cells > 2)
        return fail(FdtError::bad_structure);
      const uint32_t entry = 4 * (address_cells + size_cells);
      for (uint32_t off = 0; off + entry <= len; off += entry) {
        const uint64_t base = read_cells(value + off, address_cells);
        const uint64_t size = read_cells(value + off + 4 * address_cells, size_cells);
        if (!map.add(base, size, RegionKind::usable)) return fail(FdtError::map_full);
      }
    }
    if (in_chosen && equals(name, "bootargs") && len > 0) {
      info.bootargs = reinterpret_cast<const char*>(value);
      info.bootargs_length = bounded_length(value, len);
    }
    return true;
  }
  bool fail(FdtError e) {
    error = e;
    failed = true;
    return false;  // stops the walk
  }
};

// fdt_find_reg: the first enabled node compatible with a string. A node's
// properties all come before its children, so a node is complete when its
// first child begins or when it ends; its "reg" is decoded with the cell
// sizes of its parent.
struct FindRegVisitor {
  const char* compatible;
  FdtRange* ranges;
  size_t max;
  size_t& count;
  FdtError& error;
  bool found = false, failed = false;

  struct Node {
    uint32_t address_cells, size_cells;  // of its children
    bool matches, disabled, decided;
    const uint8_t* reg;
    uint32_t reg_length;
  };
  Node nodes[kMaxDepth + 1] = {};  // [depth]; [0] stands for the root's parent

  bool begin_node(const char*, int depth) {
    if (depth > 1 && !decide(depth - 1)) return false;
    nodes[depth] = Node{2, 1, false, false, false, nullptr, 0};
    return true;
  }
  bool end_node(int depth) { return decide(depth); }
  bool property(const char* name, const uint8_t* value, uint32_t len, int depth) {
    Node& n = nodes[depth];
    if (len == 4 && equals(name, "#address-cells")) n.address_cells = be32(value);
    if (len == 4 && equals(name, "#size-cells")) n.size_cells = be32(value);
    if (equals(name, "compatible")) n.matches = string_list_has(value, len, compatible);
    // Anything but "okay" (or the older "ok") means the device is not there.
    if (equals(name, "status"))
      n.disabled = !string_list_has(value, len, "okay") && !string_list_has(value, len, "ok");
    if (equals(name, "reg")) n.reg = value, n.reg_length = len;
    return true;
  }
  // Returns false (stop) once the node at `depth` is the one, or is malformed.
  bool decide(int depth) {
    Node& n = nodes[depth];
    if (n.decided) return true;
    n.decided = true;
    if (!n.matches || n.disabled || n.reg == nullptr) return true;
    const Node& parent = nodes[depth - 1];
    const uint32_t ac = depth == 1 ? 2 : parent.address_cells;
    const uint32_t sc = depth == 1 ? 1 : parent.size_cells;
    if (ac == 0 || ac > 2 || sc > 2 || n.reg_length % (4 * (ac + sc)) != 0) {
      error = FdtError::bad_structure;
      failed = true;
      return false;
    }
    const uint32_t entry = 4 * (ac + sc);
    count = 0;
    for (uint32_t off = 0; off + entry <= n.reg_length && count < max; off += entry) {
      ranges[count].base = read_cells(n.reg + off, ac);
      ranges[count].size = sc == 0 ? 0 : read_cells(n.reg + off + 4 * ac, sc);
      ++count;
    }
    found = true;
    return false;
  }
};

}  // namespace

const char* to_string(FdtError e) {
  switch (e) {
    case FdtError::bad_magic: return "not a device tree (bad magic)";
    case FdtError::bad_version: return "unsupported device tree version";
    case FdtError::truncated: return "device tree truncated";
    case FdtError::bad_structure: return "malformed device tree structure";
    case FdtError::map_full: return "too many memory regions";
    case FdtError::not_found: return "no such device in the device tree";
  }
  return "?";
}

size_t fdt_size(const void* blob) {
  const auto* b = static_cast<const uint8_t*>(blob);
  if (be32(b) != kMagic) return 0;
  return be32(b + 4);
}

bool fdt_parse(const void* blob, size_t limit, MemoryMap& map, FdtInfo& info, FdtError& error) {
  BootVisitor v{map, info, error};
  if (!walk(blob, limit, v, error) || v.failed) return false;
  map.sort();
  return true;
}

bool fdt_find_reg(const void* blob, size_t limit, const char* compatible, FdtRange* ranges,
                  size_t max, size_t& count, FdtError& error) {
  count = 0;
  FindRegVisitor v{compatible, ranges, max, count, error};
  if (!walk(blob, limit, v, error) || v.failed) return false;
  if (!v.found) return error = FdtError::not_found, false;
  return true;
}

}  // namespace boot
