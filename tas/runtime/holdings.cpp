#include "runtime/holdings.h"

#include "runtime/serve.h"
#include "runtime/sys.h"

namespace tas {

Result<void> Holdings::start_thread(const char* name, mm::Heap* heap, ThreadMain main, void* arg) {
  TRY_VOID(start_joinable(name, heap, main, arg));
  return {};
}

Result<rebound_handle> Holdings::start_joinable(const char* name, mm::Heap* heap, ThreadMain main,
                                                void* arg) {
  Locked locked(lock_);
  if (thread_count_ == kMaxThreads) return fail(Error::limit_reached);
  TRY(thread, tas::start_thread(name, heap, main, arg));
  threads_[thread_count_++] = thread;
  return thread.handle;
}

void Holdings::join_thread(rebound_handle thread) {
  // Not under the lock: release() may kill it meanwhile (and then joins it,
  // closes the handle and frees the slot itself).
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread);
  Locked locked(lock_);
  for (unsigned i = 0; i < thread_count_; ++i) {
    if (threads_[i].handle != thread) continue;
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, thread);
    release_thread_slot(threads_[i].slot);
    threads_[i] = threads_[--thread_count_];
    return;
  }
}

Result<void> Holdings::keep_handle(rebound_handle handle) {
  Locked locked(lock_);
  if (handle_count_ == kMax) return fail(Error::limit_reached);
  handles_[handle_count_++] = handle;
  return {};
}

Result<void> Holdings::keep_mapping(uintptr_t address, size_t size) {
  Locked locked(lock_);
  if (mapping_count_ == kMax) return fail(Error::limit_reached);
  mappings_[mapping_count_++] = Mapping{address, size};
  return {};
}

Result<void> Holdings::keep_reply(rebound_handle reply) {
  Locked locked(lock_);
  if (reply_count_ == kMaxReplies) return fail(Error::limit_reached);
  replies_[reply_count_++] = reply;
  return {};
}

void Holdings::forget_reply(rebound_handle reply) {
  Locked locked(lock_);
  for (unsigned i = 0; i < reply_count_; ++i) {
    if (replies_[i] == reply) {
      replies_[i] = replies_[--reply_count_];
      return;
    }
  }
}

void Holdings::release() {
  Locked locked(lock_);
  // Whatever each thread does -- waiting for an interrupt, running, hung --
  // it ends here, and nothing of the generation runs once all are joined.
  for (unsigned i = 0; i < thread_count_; ++i) RB_SYS1(REBOUND_SYS_THREAD_KILL, threads_[i].handle);
  for (unsigned i = 0; i < thread_count_; ++i) {
    RB_SYS1(REBOUND_SYS_THREAD_JOIN, threads_[i].handle);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, threads_[i].handle);
    release_thread_slot(threads_[i].slot);
  }
  // Callers still waiting hear why, as from any request of a server that
  // was restarted.
  for (unsigned i = 0; i < reply_count_; ++i) {
    rb_message m = status_reply(Error::server_restarted);
    rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, replies_[i], &m);
  }
  for (unsigned i = 0; i < handle_count_; ++i) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, handles_[i]);
  for (unsigned i = 0; i < mapping_count_; ++i)
    RB_SYS3(REBOUND_SYS_VM_UNMAP, mappings_[i].address, mappings_[i].size, 0);
  thread_count_ = handle_count_ = mapping_count_ = reply_count_ = 0;
}

}  // namespace tas
