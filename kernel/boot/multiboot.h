// Multiboot (version 1) boot information, as QEMU's -kernel loader hands it to
// an x86 kernel: the memory map and the command line. Portable so that it is
// tested on the host.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/memory_map.h"

namespace boot {

constexpr uint32_t kMultibootBootloaderMagic = 0x2BADB002;

struct MultibootInfo {
  uint32_t flags;
  uint32_t mem_lower, mem_upper;
  uint32_t boot_device;
  uint32_t cmdline;
  uint32_t mods_count, mods_addr;
  uint32_t syms[4];
  uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

enum class MultibootError : uint8_t { bad_magic, no_memory_map, bad_memory_map, map_full };
const char* to_string(MultibootError e);

// `phys_to_virt` turns a physical address from the info block into a pointer.
using PhysToVirt = const void* (*)(uint64_t phys);

// Fills `map` from the info's memory map; `cmdline` gets the kernel's options:
// the loader's command line without its first word (the kernel file name).
bool multiboot_parse(uint32_t magic, const MultibootInfo& info, PhysToVirt phys_to_virt,
                     MemoryMap& map, const char*& cmdline, MultibootError& error);

}  // namespace boot
