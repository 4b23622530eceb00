// x86_64's user/kernel boundary (arch/x86_64/user_entry.S, user_mode.cpp):
// what system calls and interrupts leave in the user's registers, the SYSRET
// pitfall of a non-canonical return address, int3 from user code, and SMEP
// and SMAP keeping the kernel off user pages.
#if defined(__x86_64__)
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "core/boot_images.h"
#include "core/cpu_local.h"
#include "core/process.h"
#include "core/timer.h"
#include "ktest/ktest.h"
#include "ktest/user_programs.h"
#include "recovery/catch_unwind.h"

namespace {

using core::AddressSpace;
using core::ExitStatus;
using core::Ref;
using recovery::FaultKind;
namespace perm = mm::perm;

constexpr uintptr_t kBase = 0x40000000;
constexpr uint32_t kCpuidSmep = 1u << 7, kCpuidSmap = 1u << 20;  // leaf 7, EBX
constexpr uint64_t kCr4Smep = 1ull << 20, kCr4Smap = 1ull << 21;

// Spawns boot image `name` (argv = {name}) with the scheduler's tick running
// (sleeps and time slices need it) and waits for it.
ExitStatus run(const char* name) { return ktest::run_program(name); }

bool cpu_has(uint32_t leaf7_ebx_bit) {
  using namespace arch::x86_64;
  return cpuid(0).eax >= 7 && (cpuid(7, 0).ebx & leaf7_ebx_bit) != 0;
}

// `space` is this CPU's user half while it lives (the test runs in a kernel
// thread, whose user half is otherwise empty).
class UserSpaceLoaded {
 public:
  explicit UserSpaceLoaded(AddressSpace& space) {
    arch::switch_user_space(space.root(), space.asid());
    core::this_cpu().active_user_root = space.root();
  }
  ~UserSpaceLoaded() {
    arch::switch_user_space(0, 0);
    core::this_cpu().active_user_root = 0;
  }
  UserSpaceLoaded(const UserSpaceLoaded&) = delete;
  UserSpaceLoaded& operator=(const UserSpaceLoaded&) = delete;
};

Ref<AddressSpace> space_with_page(mm::Perms perms, uint8_t byte) {
  auto s = AddressSpace::create();
  KEXPECT(s.has_value());
  if (!s) return {};
  KEXPECT((*s)->map_anonymous(kBase, mm::kPageSize, perms).has_value());
  KEXPECT((*s)->fill(kBase, &byte, 1).has_value());  // resident now
  return *s;
}

}  // namespace

KTEST(x86_64_syscalls_and_interrupts_preserve_user_registers) {
  const ExitStatus s = run("registers");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(x86_64_syscall_returning_to_a_non_canonical_rip_kills_the_process) {
  const ExitStatus s = run("syscall_at_top");
  KEXPECT(s.killed && s.fault == FaultKind::protection);
  KEXPECT_EQ(s.address, uintptr_t{1} << 47);
}

KTEST(x86_64_user_int3_is_an_undefined_instruction) {
  const ExitStatus s = run("fault_breakpoint");
  KEXPECT(s.killed && s.fault == FaultKind::undefined_instruction);
}

KTEST(x86_64_smap_kernel_reads_of_user_pages_fault) {
  if (!cpu_has(kCpuidSmap)) return;  // nothing to enforce it
  KEXPECT((arch::x86_64::read_cr4() & kCr4Smap) != 0);
  Ref<AddressSpace> space = space_with_page(perm::read | perm::write, 42);
  if (!space) return;
  UserSpaceLoaded loaded(*space);
  auto r = recovery::catch_unwind([] { return *reinterpret_cast<volatile uint8_t*>(kBase); });
  KEXPECT(!r.has_value());
  if (!r) {
    KEXPECT(r.error().kind == FaultKind::page_fault);
    KEXPECT_EQ(r.error().address, kBase);
  }
}

KTEST(x86_64_smep_kernel_calls_into_user_pages_fault) {
  if (!cpu_has(kCpuidSmep)) return;
  KEXPECT((arch::x86_64::read_cr4() & kCr4Smep) != 0);
  Ref<AddressSpace> space = space_with_page(perm::read | perm::execute, 0xc3);  // ret
  if (!space) return;
  UserSpaceLoaded loaded(*space);
  auto r = recovery::catch_unwind([] {
    auto* f = reinterpret_cast<void (*)()>(kBase);
    asm volatile("" : "+r"(f));
    f();
  });
  KEXPECT(!r.has_value());
  if (!r) {
    KEXPECT(r.error().kind == FaultKind::instruction_fault);
    KEXPECT_EQ(r.error().address, kBase);
  }
}
#endif
