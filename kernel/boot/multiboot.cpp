#include "boot/multiboot.h"

namespace boot {
namespace {

constexpr uint32_t kFlagCmdline = 1u << 2;
constexpr uint32_t kFlagMmap = 1u << 6;

struct MmapEntry {
  uint32_t size;  // of the rest of the entry, not counting this field
  uint64_t base;
  uint64_t length;
  uint32_t type;
} __attribute__((packed));

RegionKind kind_of(uint32_t type) {
  switch (type) {
    case 1: return RegionKind::usable;
    case 3: return RegionKind::acpi_reclaimable;
    case 4: return RegionKind::acpi_nvs;
    case 5: return RegionKind::bad;
    default: return RegionKind::reserved;
  }
}

}  // namespace

const char* to_string(MultibootError e) {
  switch (e) {
    case MultibootError::bad_magic: return "not started by a multiboot loader";
    case MultibootError::no_memory_map: return "boot loader gave no memory map";
    case MultibootError::bad_memory_map: return "malformed multiboot memory map";
    case MultibootError::map_full: return "too many memory regions";
  }
  return "?";
}

bool multiboot_parse(uint32_t magic, const MultibootInfo& info, PhysToVirt phys_to_virt,
                     MemoryMap& map, const char*& cmdline, MultibootError& error) {
  if (magic != kMultibootBootloaderMagic) return error = MultibootError::bad_magic, false;
  cmdline = (info.flags & kFlagCmdline) != 0 && info.cmdline != 0
                ? static_cast<const char*>(phys_to_virt(info.cmdline))
                : "";
  // Loaders (QEMU, GRUB) start the command line with the kernel's file name:
  // the kernel's options are the words after it.
  while (*cmdline != '\0' && *cmdline != ' ') ++cmdline;
  while (*cmdline == ' ') ++cmdline;
  if ((info.flags & kFlagMmap) == 0) return error = MultibootError::no_memory_map, false;
  const auto* base = static_cast<const uint8_t*>(phys_to_virt(info.mmap_addr));
  for (uint32_t off = 0; off < info.mmap_length;) {
    if (info.mmap_length - off < sizeof(MmapEntry))
      return error = MultibootError::bad_memory_map, false;
    MmapEntry e;
    __builtin_memcpy(&e, base + off, sizeof e);
    if (e.size < sizeof(MmapEntry) - sizeof(uint32_t))
      return error = MultibootError::bad_memory_map, false;
    if (!map.add(e.base, e.length, kind_of(e.type))) return error = MultibootError::map_full, false;
    off += e.size + sizeof(uint32_t);
  }
  map.sort();
  return true;
}

}  // namespace boot
