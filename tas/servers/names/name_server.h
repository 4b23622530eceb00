// The name service: which endpoint serves which name. Servers are added
// inside the TAS, by a direct call -- so only the TAS can register a name.
// User programs look names up over IPC (abi/rebound/services.h) on the
// endpoint every process gets at start, and get a CALL-only handle.
#pragma once
#include "rebound/services.h"
#include "runtime/serve.h"
#include "runtime/spin_lock.h"

namespace tas {

class NameServer final : public Server {
 public:
  static constexpr unsigned kMaxNames = 16;

  // In-TAS: `endpoint` (a handle of the TAS with DUPLICATE) serves `name`.
  Result<void> add(const char* name, rebound_handle endpoint);
  // The same, replacing an endpoint already there (a restarted server's):
  // `old` is then the one replaced, for the caller to close; else 0.
  Result<void> set(const char* name, rebound_handle endpoint, rebound_handle& old);
  unsigned count() const { return count_; }

  rb_message handle(rb_message& request) override;

 private:
  struct Entry {
    char name[REBOUND_NAME_MAX + 1];
    rebound_handle endpoint;
  };
  const Entry* find(const char* name) const;
  Result<void> put(const char* name, rebound_handle endpoint, rebound_handle& old);  // locked

  // The supervisor replaces endpoints while the name service serves.
  mutable SpinLock lock_;
  Entry entries_[kMaxNames] = {};
  unsigned count_ = 0;
};

// The name packed into words 1-4 of a request (abi/rebound/services.h);
// false if it is empty or not NUL-padded.
bool unpack_name(const rb_message& m, char (&name)[REBOUND_NAME_MAX + 1]);

}  // namespace tas
