// Loads a program image into a new address space: its segments (W^X, as
// the ELF checks allow), a zero-filled stack, and argv on top of the stack
// (with an empty environment after it).
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/address_space.h"

namespace core {

struct UserEntry {
  uintptr_t pc;
  uintptr_t sp;
  uint64_t argc;
  uintptr_t argv;       // user address of the argv pointer array
  uint64_t handle = 0;  // the handle the spawner gave (third argument register)
  uint64_t names = 0;   // a handle to the name service (fourth), 0 if none
};

constexpr size_t kMaxArgvBytes = 4096;
constexpr unsigned kMaxArgs = 64;
constexpr uintptr_t kUserStackTop = uintptr_t{0x7fff} << 32;
constexpr size_t kUserStackSize = 64 << 10;

// `argv_block` holds the arguments as NUL-terminated strings one after the
// other (argv_length bytes in all; the last one must end in NUL).
Result<UserEntry> load_program(AddressSpace& space, const uint8_t* image, size_t size,
                               const char* argv_block, size_t argv_length);

}  // namespace core
