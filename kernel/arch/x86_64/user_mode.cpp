// User mode on x86_64: ring 3, CR3 per address space, SYSCALL/SYSRET for
// system calls, and the C++ halves of the entries from user mode
// (user_entry.S saves the user context as a TrapFrame at the top of the
// thread's kernel stack and calls these; traps.cpp has the exceptions'):
//
//   SYSCALL            core::syscall (arguments stored in order below the
//                      frame), result in rax/rdx/r8; back by SYSRET
//   exception          a demand-zero page (the instruction runs again),
//                      else the process's fault handler
//                      (deliver_or_kill below), else core::user_fault,
//                      which kills the process (traps.cpp); back by IRETQ
//   interrupt          the kernel's interrupt handler (interrupts.cpp); IRETQ
//
// Every path ends in prepare_user_return: core::before_user_return() (a
// preemption point: it may switch threads, or end a thread whose process is
// dying), then back to user mode through the frame. A fault of the user's
// never reaches the kernel's fault policy; a kernel fault while handling a
// system call is a ring-0 exception like any other, caught by the
// catch_unwind in core::syscall.
#include <cstddef>

#include "arch/arch.h"
#include "arch/ipc_registers.h"
#include "arch/user_space.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/io_permission.h"
#include "arch/x86_64/tlb_shootdown.h"
#include "arch/x86_64/user_entry.h"
#include "core/cpu_local.h"
#include "core/fault_delivery.h"
#include "core/ipc_fast_path.h"
#include "core/user_boundary.h"

extern "C" char x86_64_syscall_entry[];  // user_entry.S
extern "C" [[noreturn]] void x86_64_enter_user(uintptr_t kernel_stack_top, uintptr_t pc,
                                               uintptr_t sp, uint64_t arg0, uint64_t arg1,
                                               uint64_t arg2, uint64_t arg3);
extern "C" void x86_64_interrupt(arch::x86_64::TrapFrame* frame);  // interrupts.cpp

static_assert(offsetof(core::CpuLocal, kernel_entry_stack) == CPU_LOCAL_KERNEL_ENTRY_STACK);
// Where the IPC fast path finds an IPC call's result registers (user_entry.S).
static_assert(arch::kIpcErrorOut == (SYSCALL_ARGS + offsetof(arch::x86_64::TrapFrame, rax)) / 8 &&
              arch::kIpcWordOut[0] == (SYSCALL_ARGS + offsetof(arch::x86_64::TrapFrame, rdx)) / 8 &&
              arch::kIpcWordOut[1] == (SYSCALL_ARGS + offsetof(arch::x86_64::TrapFrame, r8)) / 8);
static_assert(offsetof(core::CpuLocal, user_sp_scratch) == CPU_LOCAL_USER_SP_SCRATCH);

namespace arch::x86_64 {
namespace {

constexpr uint32_t kMsrStar = 0xc0000081, kMsrLstar = 0xc0000082, kMsrSfmask = 0xc0000084;
constexpr uint64_t kEferSce = 1 << 0;  // SYSCALL/SYSRET enabled
constexpr uint64_t kCr4Smep = 1ull << 20, kCr4Smap = 1ull << 21;
constexpr uint32_t kCpuidSmep = 1u << 7, kCpuidSmap = 1u << 20;  // leaf 7, EBX

// RFLAGS bits.
constexpr uint64_t kCf = 1 << 0, kReservedOne = 1 << 1, kPf = 1 << 2, kAf = 1 << 4, kZf = 1 << 6,
                   kSf = 1 << 7, kTf = 1 << 8, kIf = 1 << 9, kDf = 1 << 10, kOf = 1 << 11,
                   kIopl = 3 << 12, kNt = 1 << 14, kAc = 1 << 18, kId = 1 << 21;
static_assert((kIf | kReservedOne) == X86_USER_RFLAGS);
// What user code may have in RFLAGS (what POPF lets it change at CPL 3,
// minus IF, which is always set).
constexpr uint64_t kUserFlags = kCf | kPf | kAf | kZf | kSf | kTf | kDf | kOf | kAc | kId;
// Cleared on SYSCALL: interrupts stay masked in the kernel, the C++ ABI's
// direction, no single-step, no lifted SMAP, and nothing that would make a
// later IRETQ in the kernel a task return or give I/O ports away.
constexpr uint64_t kSyscallMask = kIf | kDf | kTf | kAc | kNt | kIopl;

bool canonical(uint64_t address) {
  return static_cast<uint64_t>(static_cast<int64_t>(address << 16) >> 16) == address;
}

}  // namespace

void user_mode_init() {
  wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSce);
  wrmsr(kMsrStar, uint64_t{X86_SYSRET_BASE} << 48 | uint64_t{X86_KERNEL_CS} << 32);
  wrmsr(kMsrLstar, reinterpret_cast<uint64_t>(x86_64_syscall_entry));
  wrmsr(kMsrSfmask, kSyscallMask);
  wrmsr(kMsrKernelGsBase, 0);
  // The kernel never executes or touches user memory through user
  // addresses (copies walk the page table and use the direct map): let the
  // CPU enforce it where it can.
  if (cpuid(0).eax >= 7) {
    const uint32_t features = cpuid(7, 0).ebx;
    uint64_t cr4 = read_cr4();
    if ((features & kCpuidSmep) != 0) cr4 |= kCr4Smep;
    if ((features & kCpuidSmap) != 0) cr4 |= kCr4Smap;
    write_cr4(cr4);
  }
}

namespace {

// A system call or an interrupt right below the end of the user half (RIP =
// 2^47): user code would fault on that RIP, and the kernel must not (SYSRET
// and IRETQ would raise #GP in ring 0).
[[noreturn, gnu::noinline, gnu::cold]] void kill_for_noncanonical_rip(uint64_t rip) {
  recovery::Fault fault;
  fault.kind = recovery::FaultKind::protection;
  fault.address = fault.pc = rip;
  fault.set_message("user RIP %p is not canonical", reinterpret_cast<void*>(rip));
  core::user_fault(fault);  // SYSCALL's frame is partial: never delivered
}

// The way back from a system call: SYSRET, whose RIP user_entry.S checks
// itself (x86_64_syscall_noncanonical).
[[gnu::always_inline]] inline void prepare_syscall_return(TrapFrame& frame) {
  frame.rflags = (frame.rflags & kUserFlags) | kIf | kReservedOne;
  core::before_user_return();
}

[[gnu::always_inline]] inline void prepare_return(TrapFrame& frame) {
  if (!canonical(frame.rip)) [[unlikely]]
    kill_for_noncanonical_rip(frame.rip);
  prepare_syscall_return(frame);
}

}  // namespace

void prepare_user_return(TrapFrame& frame) { prepare_return(frame); }

void deliver_or_kill(TrapFrame& frame, const recovery::Fault& fault) {
  rebound_fault_frame f{};
  f.rax = frame.rax, f.rdx = frame.rdx, f.rcx = frame.rcx, f.rbx = frame.rbx;
  f.rsi = frame.rsi, f.rdi = frame.rdi, f.rbp = frame.rbp, f.rsp = frame.rsp;
  f.r8 = frame.r8, f.r9 = frame.r9, f.r10 = frame.r10, f.r11 = frame.r11;
  f.r12 = frame.r12, f.r13 = frame.r13, f.r14 = frame.r14, f.r15 = frame.r15;
  f.rip = fault.pc;  // the faulting instruction (an int3's rip is past it)
  f.rflags = frame.rflags;
  f.syndrome = frame.error_code;
  f.vector = frame.vector;
  const auto to = core::deliver_user_fault(fault, f, frame.rsp);
  if (!to) core::user_fault(fault);
  frame.rip = to->handler;
  frame.rsp = frame.rdi = to->frame;
  // The handler's C code expects DF clear, and single-stepping into it
  // would fault again at once.
  frame.rflags &= ~(kDf | kTf);
}

}  // namespace arch::x86_64

using arch::x86_64::TrapFrame;

// A system call: rax (`number`), the arguments rdi rsi rdx r10 r8 r9 in
// order at `args` (user_entry.S stores them there, below the frame), and the
// result to rax, rdx and r8 in the frame. The entry saved only what the C++
// code may clobber: the frame's other register slots are not the user's,
// and nothing here reads them. The whole path is inline here.
extern "C" void x86_64_syscall(TrapFrame* frame, const uint64_t* args, uint64_t number) {
  recovery::RecoveryState& state = core::enter_from_user();
  core::syscall(number, args, {frame->rax, frame->rdx, frame->r8}, state);
  arch::x86_64::prepare_syscall_return(*frame);
}

// IPC_CALL and IPC_REPLY_RECEIVE (user_entry.S sends them here): the same
// with their fast path inline (core/ipc_fast_path.h), in functions of
// their own, so that the other system calls keep the small frame of
// x86_64_syscall.
static_assert(X86_SYS_IPC_CALL == REBOUND_SYS_IPC_CALL &&
              REBOUND_SYS_IPC_REPLY_RECEIVE == REBOUND_SYS_IPC_CALL + 1);
extern "C" void x86_64_syscall_ipc_call(TrapFrame* frame, uint64_t* args) {
  recovery::RecoveryState& state = core::enter_from_user();
  core::ipc_call_syscall(args, {frame->rax, frame->rdx, frame->r8}, state);
  arch::x86_64::prepare_syscall_return(*frame);
}
extern "C" void x86_64_syscall_ipc_reply_receive(TrapFrame* frame, uint64_t* args) {
  recovery::RecoveryState& state = core::enter_from_user();
  core::ipc_reply_receive_syscall(args, {frame->rax, frame->rdx, frame->r8}, state);
  arch::x86_64::prepare_syscall_return(*frame);
}

// On the way out of a system call made by the last two bytes of the user
// half: its return RIP, 2^47, is not canonical, and SYSRET or IRETQ there
// would fault in ring 0 (user_entry.S). The process is killed with a
// protection fault at that RIP, as the CPU would have faulted there. The
// lock was let go on the way out: it is taken again first.
extern "C" [[noreturn]] void x86_64_syscall_noncanonical(TrapFrame* frame) {
  (void)core::enter_from_user();
  arch::x86_64::kill_for_noncanonical_rip(frame->rip);
}

extern "C" void x86_64_user_interrupt(TrapFrame* frame) {
  core::enter_from_user();
  x86_64_interrupt(frame);
  arch::x86_64::prepare_user_return(*frame);
}

namespace arch {

void switch_user_space(uint64_t root, uint16_t asid) {
  // One root for both halves: "no user space" is the kernel's own root.
  // Loading CR3 flushes every non-global (user) TLB entry: no PCIDs yet.
  x86_64::write_cr3(root != 0 ? root : kernel_table_root());
  x86_64::note_loaded_space(root != 0 ? asid : 0);
  x86_64::io_permission_revoke();  // the next space's ports, if any, on its first use
}

void enter_user(uintptr_t kernel_stack_top, uintptr_t pc, uintptr_t sp, uint64_t arg0,
                uint64_t arg1, uint64_t arg2, uint64_t arg3) {
  // The user's FS and GS bases start at zero (user code cannot change them:
  // CR4.FSGSBASE is off). KERNEL_GS_BASE is the user's GS base until the
  // swapgs on the way out.
  x86_64::wrmsr(x86_64::kMsrFsBase, 0);
  x86_64::wrmsr(x86_64::kMsrKernelGsBase, 0);
  x86_64_enter_user(kernel_stack_top, pc, sp, arg0, arg1, arg2, arg3);
}

}  // namespace arch
