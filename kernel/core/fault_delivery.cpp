#include "core/fault_delivery.h"

#include "core/process.h"
#include "core/scheduler.h"
#include "core/thread.h"
#include "lib/log.h"
#include "recovery/catch_unwind.h"

namespace core {

static_assert(sizeof(rebound_fault_frame) == REBOUND_FAULT_FRAME_SIZE);

Result<FaultDelivery> deliver_user_fault(const recovery::Fault& fault, rebound_fault_frame& frame,
                                         uintptr_t sp) {
  Process* p = current_thread().process();
  // A thread being killed (or whose process is) is not redirected: it ends
  // at the next boundary.
  if (p == nullptr || current_thread().interrupted() || p->fault_handler() == 0 ||
      p->space() == nullptr)
    return fail(Error::not_found);
  frame.kind = static_cast<uint64_t>(fault.kind);
  frame.address = fault.address;
  // Below the red zone, 16-byte aligned. A stack pointer too low for that
  // (0, say) has nowhere to put it; any other bad one fails the copy. Each
  // nested fault takes another frame, so a handler that keeps faulting runs
  // its stack out and is killed, never loops in place.
  constexpr uintptr_t kNeeded = REBOUND_FAULT_FRAME_RED_ZONE + sizeof frame;
  const uintptr_t at = (sp - kNeeded) & ~uintptr_t{15};
  // The copy walks the page table and may fault in a page: like a system
  // call, anything that goes wrong in it is caught; then the process is
  // killed as it would have been without a handler.
  auto copied = recovery::catch_unwind([&]() -> Result<void> {
    if (sp < AddressSpace::kUserBase + kNeeded) return fail(Error::bad_address);
    return p->space()->copy_out(at, &frame, sizeof frame);
  });
  if (!copied) {
    KLOG_WARN("fault delivery to %s: %s at pc %p (recovered)", p->name(),
              recovery::to_string(copied.error().kind), reinterpret_cast<void*>(copied.error().pc));
    return fail(Error::kernel_fault);
  }
  if (!*copied) {
    KLOG_DEBUG("fault delivery to %s: no frame below sp %p: %s", p->name(),
               reinterpret_cast<void*>(sp), rebound::to_string(copied->error()));
    return fail(copied->error());
  }
  return FaultDelivery{p->fault_handler(), at};
}

}  // namespace core
