#include "runtime/bulk.h"

#include "runtime/sys.h"
#include "runtime/thread.h"
extern "C" {
#include "rb_bulk.h"
}

namespace tas {

Result<void> enable_bulk() {
  void* payload = nullptr;
  TRY_VOID(check(rb_ipc_buffer(&payload)));
  this_thread().ipc_record = rb_ipc_record(payload);
  return {};
}

RequestBulk request_bulk() {
  RequestBulk b;
  const volatile rebound_ipc_record* r = this_thread().ipc_record;
  if (r == nullptr) return b;
  const uint64_t payload = r->buffer;
  b.buffer = {reinterpret_cast<uint8_t*>(payload),
              payload != 0 ? size_t{REBOUND_IPC_BUFFER_SIZE} : 0};
  b.grant = {reinterpret_cast<uint8_t*>(r->grant), r->grant_size};
  b.grant_writable = (r->grant_perms & REBOUND_VM_WRITE) != 0;
  return b;
}

}  // namespace tas
