#include "recovery/catch_unwind.h"

#include <cxxabi.h>

#include <typeinfo>

namespace recovery::detail {
namespace {

Fault from_last_throw(const std::type_info* type, const char* what) {
  Fault f;
  f.kind = FaultKind::cpp_exception;
  f.backtrace = current_state().last_throw;
  f.pc = f.backtrace.depth > 0 ? f.backtrace.pc[0] : 0;
  f.set_message("%s: %s", type != nullptr ? type->name() : "?", what);
  return f;
}

}  // namespace

Fault fault_from(const std::exception& e) { return from_last_throw(&typeid(e), e.what()); }

Fault fault_from_unknown() {
  return from_last_throw(abi::__cxa_current_exception_type(), "(not a std::exception)");
}

}  // namespace recovery::detail
