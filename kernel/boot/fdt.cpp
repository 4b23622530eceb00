#include "boot/fdt.h"

#include "boot/fdt_walk.h"

namespace boot {
namespace {

using namespace fdt_detail;

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
