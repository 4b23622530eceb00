// Bulk data over IPC: message buffers and grants (core/ipc_bulk.h).
#include "arch/ipc_registers.h"
#include "core/ipc_bulk.h"
#include "core/syscalls/syscall.h"

namespace core::syscalls {

// The calling thread's message buffer, made on first call.
Result<Values> sys_ipc_buffer(Args) {
  TRY(bulk, current_thread().make_bulk());
  if (!bulk->buffer) {
    TRY(buffer, MessageBuffer::create(*caller().space()));
    bulk->buffer.emplace(std::move(buffer));
    current_thread().ipc().record = &bulk->buffer->record();
  }
  return Values{bulk->buffer->address(), 0};
}

// IPC_CALL, lending the memory that words 4 and 5 describe to the server
// thread that takes the call, until it answers. The grant is checked before
// the endpoint.
Result<Values> sys_ipc_call_grant(Args a) {
  TRY(d, decode_grant(a[arch::kIpcWordArg[REBOUND_GRANT_ADDRESS_WORD]],
                      a[arch::kIpcWordArg[REBOUND_GRANT_SIZE_WORD]]));
  TRY(bulk, current_thread().make_bulk());
  TRY(grant, Grant::offer(Ref<AddressSpace>(caller().space()), d));
  bulk->grant = std::move(grant);
  // However the call ends -- a kernel fault unwinding included -- a grant
  // no server holds ends here; one a server holds (this caller was killed
  // while it worked) ends when that server answers.
  struct EndUnlent {
    Grant& grant;
    ~EndUnlent() {
      if (!grant.lent()) grant.end();
    }
  } end_unlent{bulk->grant};
  return sys_ipc_call(a);
}

}  // namespace core::syscalls
