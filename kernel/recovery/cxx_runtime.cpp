// The glue that lets libsupc++ (the toolchain's C++ ABI library) and GCC's
// unwinder run in the kernel: exception objects from a fixed pool, exception
// globals in the kernel's per-thread state, FDE lookup in our own
// .eh_frame_hdr, and terminate/abort paths that halt instead of calling libc.
#include <cxxabi.h>
#include <unwind.h>

#include <cstddef>
#include <cstdint>
#include <typeinfo>

#include "recovery/eh_frame_hdr.h"
#include "recovery/exception_pool.h"
#include "recovery/panic.h"
#include "recovery/recovery_state.h"
#include "recovery/runtime_stats.h"
#include "recovery/trap_to_exception.h"

extern "C" const uint8_t __eh_frame_hdr_start[];

namespace {
recovery::ExceptionPool g_pool;

[[noreturn]] void fatal(recovery::FaultKind kind, const char* message) {
  recovery::Fault f;
  f.kind = kind;
  f.set_message("%s", message);
  recovery::capture_backtrace(f.backtrace, 1);
  recovery::halt_with(f);
}
}  // namespace

namespace recovery {
bool has_unwind_info(uintptr_t pc) {
  FdeMatch m;
  return find_fde(__eh_frame_hdr_start, pc, m);
}
RuntimeStats runtime_stats() { return {g_pool.in_use(), g_pool.high_water()}; }
}  // namespace recovery

extern "C" {

// --- exception objects: the fixed pool -------------------------------------
void* __cxa_allocate_exception(size_t size) noexcept {
  void* p = g_pool.allocate_object(size);
  if (p == nullptr) fatal(recovery::FaultKind::panic, "exception pool exhausted");
  return p;
}
void __cxa_free_exception(void* object) noexcept { g_pool.free_object(object); }
void* __cxa_allocate_dependent_exception() noexcept {
  void* p = g_pool.allocate_dependent();
  if (p == nullptr) fatal(recovery::FaultKind::panic, "exception pool exhausted");
  return p;
}
void __cxa_free_dependent_exception(void* p) noexcept { g_pool.free_dependent(p); }

// --- per-thread exception globals (never a user TLS register) ---------------
void* __cxa_get_globals() noexcept { return recovery::current_state().eh_globals; }
void* __cxa_get_globals_fast() noexcept { return recovery::current_state().eh_globals; }

// --- the backtrace of every throw, for catch_unwind's Fault -----------------
void __real___cxa_throw(void*, std::type_info*, void (*)(void*)) __attribute__((noreturn));
void __wrap___cxa_throw(void* object, std::type_info* type, void (*destructor)(void*)) {
  recovery::capture_backtrace(recovery::current_state().last_throw, 1);
  __real___cxa_throw(object, type, destructor);
}

// --- FDE lookup for GCC's unwinder ------------------------------------------
struct dwarf_eh_bases {
  void* tbase;
  void* dbase;
  void* func;
};
const void* _Unwind_Find_FDE(void* pc, dwarf_eh_bases* bases) {
  recovery::FdeMatch m;
  if (!recovery::find_fde(__eh_frame_hdr_start, reinterpret_cast<uintptr_t>(pc), m)) return nullptr;
  bases->tbase = nullptr;
  bases->dbase = nullptr;
  bases->func = reinterpret_cast<void*>(m.function_start);
  return m.fde;
}

// --- what libsupc++ and libgcc expect of a C library ------------------------
void abort() { fatal(recovery::FaultKind::panic, "abort() called (corrupt unwind tables?)"); }
void* __dso_handle = nullptr;
// Kernel globals are never destroyed.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
// aarch64 libgcc's outline-atomics probe asks for AT_HWCAP: report no LSE, so
// the LL/SC sequences are used (correct on every CPU).
unsigned long __getauxval(unsigned long) { return 0; }
void __cxa_pure_virtual() { fatal(recovery::FaultKind::panic, "pure virtual function called"); }

}  // extern "C"

namespace __gnu_cxx {
// std::terminate: an exception escaped a noexcept function or a destructor
// threw during unwinding. Nothing can be recovered: halt.
void __verbose_terminate_handler() { fatal(recovery::FaultKind::panic, "std::terminate called"); }
}  // namespace __gnu_cxx
