#include "recovery/backtrace.h"

#include <unwind.h>

#include "lib/log.h"

namespace recovery {
namespace {

struct Walk {
  Backtrace* out;
  unsigned skip;
};

_Unwind_Reason_Code step(_Unwind_Context* ctx, void* arg) {
  auto* w = static_cast<Walk*>(arg);
  int before_insn = 0;
  uintptr_t ip = _Unwind_GetIPInfo(ctx, &before_insn);
  if (ip == 0) return _URC_END_OF_STACK;
  if (w->skip > 0) {
    --w->skip;
    return _URC_NO_REASON;
  }
  // Report the call site (ip-1) for return addresses, the exact pc for a
  // frame interrupted by a fault (a signal frame).
  w->out->pc[w->out->depth++] = before_insn ? ip : ip - 1;
  return w->out->depth == Backtrace::kMaxFrames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

}  // namespace

void capture_backtrace(Backtrace& out, unsigned skip) {
  out.depth = 0;
  Walk w{&out, skip + 1};  // +1: this function's own frame
  _Unwind_Backtrace(step, &w);
}

void print_backtrace(const Backtrace& bt) {
  for (unsigned i = 0; i < bt.depth; ++i)
    klog::print("  #%u %p\n", i, reinterpret_cast<void*>(bt.pc[i]));
}

}  // namespace recovery
