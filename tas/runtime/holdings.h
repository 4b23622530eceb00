// What one generation of a server holds besides its heap and its request
// thread: threads of its own (a driver's), kernel handles (an interrupt
// object), device mappings, and replies it saved to send later (a reader
// waiting for input). When the generation goes, the supervisor
// gives them back -- its threads killed and joined first, so that nothing
// uses the rest -- before it drops the heap. Kept outside the server's heap
// (in the supervisor's slot), so that a server whose state is corrupt cannot
// lose track of them.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "runtime/spin_lock.h"
#include "runtime/thread.h"

namespace tas {

class Holdings {
 public:
  static constexpr unsigned kMax = 4;  // of each kind but threads and replies
  static constexpr unsigned kMaxThreads = 8;
  static constexpr unsigned kMaxReplies = 16;

  // Starts main(arg) on a thread of the generation that allocates from
  // `heap`; Error::limit_reached when it has kMaxThreads already.
  Result<void> start_thread(const char* name, mm::Heap* heap, ThreadMain main, void* arg);
  // The same for a thread the server joins itself (a helper for one
  // request): its handle, for join_thread. Until then the generation holds
  // it, so a restart ends it before the heap it uses goes.
  Result<rebound_handle> start_joinable(const char* name, mm::Heap* heap, ThreadMain main,
                                        void* arg);
  // Waits until that thread has ended, and lets it go (a restart may have
  // ended and let it go already).
  void join_thread(rebound_handle thread);
  // Takes `handle` (closed on release); limit_reached: the caller keeps it.
  Result<void> keep_handle(rebound_handle handle);
  // Takes the mapping [address, +size) (unmapped on release).
  Result<void> keep_mapping(uintptr_t address, size_t size);
  // Takes a saved reply (IPC_REPLY_SAVE's handle): on release its caller
  // gets the status Error::server_restarted. Sending it (IPC_REPLY_SEND)
  // closes it: then forget_reply.
  Result<void> keep_reply(rebound_handle reply);
  void forget_reply(rebound_handle reply);
  // Gives everything back, threads first; empty afterwards.
  void release();

 private:
  struct Mapping {
    uintptr_t address;
    size_t size;
  };

  SpinLock lock_;
  StartedThread threads_[kMaxThreads] = {};
  rebound_handle handles_[kMax] = {};
  Mapping mappings_[kMax] = {};
  rebound_handle replies_[kMaxReplies] = {};
  unsigned thread_count_ = 0, handle_count_ = 0, mapping_count_ = 0, reply_count_ = 0;
};

}  // namespace tas
