#include "core/ipc_bulk.h"

#include "core/process.h"

namespace core {

Result<ThreadBulk*> Thread::make_bulk() {
  if (!bulk_) {
    TRY(b, mm::make<ThreadBulk>(mm::heaps::ipc()));
    bulk_ = std::move(b);
  }
  return bulk_.get();
}

namespace bulk {

Result<void> detail::received_slow(Thread& server, Thread* caller) {
  if (server.process() == nullptr) return {};  // a kernel thread: no user memory to lend to
  AddressSpace* space = server.process()->space();
  ThreadBulk* mine = server.bulk();
  ThreadBulk* theirs = caller != nullptr ? caller->bulk() : nullptr;
  uintptr_t grant = 0;
  if (theirs != nullptr && theirs->grant.offered()) {
    if (mine == nullptr) {
      TRY(made, server.make_bulk());
      mine = made;
    }
    TRY(at, theirs->grant.lend(*space, mine->window));
    grant = at;
  }
  if (mine == nullptr || !mine->buffer) return {};
  rebound_ipc_record& r = mine->buffer->record();
  r.buffer = theirs != nullptr && theirs->buffer ? theirs->buffer->payload_in(space) : 0;
  r.grant = grant;
  r.grant_size = grant != 0 ? theirs->grant.size() : 0;
  r.grant_perms = grant == 0                 ? 0
                  : theirs->grant.writable() ? REBOUND_VM_READ | REBOUND_VM_WRITE
                                             : REBOUND_VM_READ;
  return {};
}

void detail::answered_slow(Thread& caller) { caller.bulk()->grant.end(); }

void thread_ending(Thread& t) {
  ThreadBulk* b = t.bulk();
  if (b == nullptr) return;
  t.ipc().record = nullptr;
  b->buffer.reset();
  b->window.release();
}

}  // namespace bulk
}  // namespace core
