#include "servers/process/process_builder.h"

#include <utility>

#include "core/elf.h"
#include "lib/align.h"
#include "mm/page_table.h"
#include "runtime/sys.h"

namespace tas::process {
namespace {

#if defined(__aarch64__)
constexpr uint16_t kMachine = core::kElfMachineAarch64;
#else
constexpr uint16_t kMachine = core::kElfMachineX86_64;
#endif
// The user half as the kernel's loader uses it (kernel/core/program_loader.h;
// the kernel checks every mapping again).
constexpr uintptr_t kUserBase = 0x10000;
constexpr uintptr_t kStackTop = uintptr_t{0x7fff} << 32;
constexpr size_t kStackSize = 64 << 10;
constexpr uint64_t kMaxImageMemory = 256 << 20;
constexpr size_t kPage = 4096;
constexpr unsigned kMaxArgs = 64;
constexpr size_t kMaxArgvBytes = 4096;

static_assert(mm::perm::read == REBOUND_VM_READ && mm::perm::write == REBOUND_VM_WRITE &&
              mm::perm::execute == REBOUND_VM_EXECUTE);

// A handle closed when the scope ends (unless released).
class Handle {
 public:
  explicit Handle(rebound_handle h = 0) : h_(h) {}
  ~Handle() {
    if (h_ != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  rebound_handle get() const { return h_; }
  rebound_handle release() { return std::exchange(h_, 0); }

 private:
  rebound_handle h_;
};

// A memory object of `size` bytes, mapped here while `fill` writes it, then
// mapped at `at` in `space` with `perms`.
template <class Fill>
Result<void> place(rebound_handle space, uintptr_t at, size_t size, uint64_t perms, Fill&& fill) {
  TRY(made, value(RB_SYS1(REBOUND_SYS_MEMORY_CREATE, size)));
  Handle memory(static_cast<rebound_handle>(made));
  TRY(here, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.get(), 0, 0, size,
                          REBOUND_VM_READ | REBOUND_VM_WRITE, 0)));
  fill(reinterpret_cast<uint8_t*>(here));
  RB_SYS3(REBOUND_SYS_VM_UNMAP, here, size, 0);
  TRY_VOID(
      check(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.get(), at, 0, size, perms, space).error));
  return {};
}

// How many strings `s` holds, or -1 if it does not end in a NUL.
int count(Strings s) {
  if (s.length > 0 && s.block[s.length - 1] != '\0') return -1;
  int n = 0;
  for (size_t i = 0; i < s.length; ++i) n += s.block[i] == '\0' ? 1 : 0;
  return n;
}

// Fills `pointers` with the addresses of the strings of `s`, copied to
// `at` in the child, and a null after them.
uintptr_t* point(uintptr_t* pointers, Strings s, uintptr_t at) {
  for (size_t off = 0; off < s.length; ++off) {
    *pointers++ = at + off;
    while (s.block[off] != '\0') ++off;
  }
  *pointers++ = 0;
  return pointers;
}

}  // namespace

Result<rebound_handle> build_process(const char* name, const uint8_t* image, size_t size,
                                     Strings argv, Strings env, rebound_handle gift) {
  const int argc = count(argv), envc = count(env);
  if (argc < 0 || envc < 0 || argc + envc > int{kMaxArgs} ||
      argv.length + env.length > kMaxArgvBytes)
    return fail(Error::invalid_argument);
  TRY(plan,
      core::parse_elf(image, size, kMachine, kUserBase, kStackTop - kStackSize, kMaxImageMemory));

  const size_t name_length = __builtin_strlen(name);
  TRY(created, value(RB_SYS2(REBOUND_SYS_PROCESS_CREATE, name, name_length)));
  Handle child(static_cast<rebound_handle>(created));
  TRY(space_handle, value(RB_SYS1(REBOUND_SYS_PROCESS_SPACE, child.get())));
  Handle space(static_cast<rebound_handle>(space_handle));

  for (unsigned i = 0; i < plan.count; ++i) {
    const core::ElfSegment& s = plan.segments[i];
    const uintptr_t start = lib::align_down(s.vaddr, uintptr_t{kPage});
    const uintptr_t end = lib::align_up(s.vaddr + s.mem_size, uintptr_t{kPage});
    TRY_VOID(place(space.get(), start, end - start, s.perms, [&](uint8_t* p) {
      __builtin_memcpy(p + (s.vaddr - start), image + s.file_offset, s.file_size);
    }));
  }

  // The stack: at its top the strings (argv's, then the environment's),
  // below them the pointer array.
  const uintptr_t stack = kStackTop - kStackSize;
  const uintptr_t strings = (kStackTop - argv.length - env.length) & ~uintptr_t{15};
  const uintptr_t array = (strings - (argc + envc + 2) * sizeof(uintptr_t)) & ~uintptr_t{15};
  TRY_VOID(
      place(space.get(), stack, kStackSize, REBOUND_VM_READ | REBOUND_VM_WRITE, [&](uint8_t* p) {
        __builtin_memcpy(p + (strings - stack), argv.block, argv.length);
        __builtin_memcpy(p + (strings - stack) + argv.length, env.block, env.length);
        auto* pointers = reinterpret_cast<uintptr_t*>(p + (array - stack));
        point(point(pointers, argv, strings), env, strings + argv.length);
      }));
  TRY_VOID(check(
      RB_SYS6(REBOUND_SYS_PROCESS_START, child.get(), plan.entry, array, argc, array, gift).error));
  return child.release();
}

}  // namespace tas::process
