#include "core/program_loader.h"

#include "core/elf.h"
#include "lib/align.h"

namespace core {
namespace {

#if defined(__aarch64__)
constexpr uint16_t kMachine = kElfMachineAarch64;
#else
constexpr uint16_t kMachine = kElfMachineX86_64;
#endif
constexpr uint64_t kMaxImageMemory = 256 << 20;

}  // namespace

Result<UserEntry> load_program(AddressSpace& space, const uint8_t* image, size_t size,
                               const char* argv_block, size_t argv_length) {
  if (argv_length > kMaxArgvBytes || (argv_length > 0 && argv_block[argv_length - 1] != '\0'))
    return fail(Error::invalid_argument);
  unsigned argc = 0;
  for (size_t i = 0; i < argv_length; ++i) argc += argv_block[i] == '\0' ? 1 : 0;
  if (argc > kMaxArgs) return fail(Error::invalid_argument);

  TRY(plan, parse_elf(image, size, kMachine, AddressSpace::kUserBase,
                      kUserStackTop - kUserStackSize, kMaxImageMemory));
  for (unsigned i = 0; i < plan.count; ++i) {
    const ElfSegment& s = plan.segments[i];
    const uintptr_t start = lib::align_down(s.vaddr, uintptr_t{mm::kPageSize});
    const uintptr_t end = lib::align_up(s.vaddr + s.mem_size, uintptr_t{mm::kPageSize});
    TRY(at, space.map_anonymous(start, end - start, s.perms));
    (void)at;
    // The file bytes; the rest of the segment reads as zero on demand.
    TRY_VOID(space.fill(s.vaddr, image + s.file_offset, s.file_size));
  }

  // The stack, with argv at its top: the strings, then the pointer array
  // (argv, a null, and an empty environment: another null; crt0 finds the
  // environment after argv's null, as the process server lays it out).
  TRY(stack, space.map_anonymous(kUserStackTop - kUserStackSize, kUserStackSize,
                                 mm::perm::read | mm::perm::write));
  (void)stack;
  const uintptr_t strings = (kUserStackTop - argv_length) & ~uintptr_t{15};
  TRY_VOID(space.fill(strings, argv_block, argv_length));
  uintptr_t pointers[kMaxArgs + 2];
  size_t off = 0;
  for (unsigned i = 0; i < argc; ++i) {
    pointers[i] = strings + off;
    while (argv_block[off] != '\0') ++off;
    ++off;
  }
  pointers[argc] = 0;
  pointers[argc + 1] = 0;
  const uintptr_t array = (strings - (argc + 2) * sizeof(uintptr_t)) & ~uintptr_t{15};
  TRY_VOID(space.fill(array, pointers, (argc + 2) * sizeof(uintptr_t)));
  return UserEntry{plan.entry, array, argc, array};
}

}  // namespace core
