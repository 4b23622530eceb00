// The name service: which endpoint serves which name. Servers are added
// inside the TAS, by a direct call -- so only the TAS can register a name.
// User programs look names up over IPC (abi/rebound/services.h) on the
// endpoint every process gets at start, and get a CALL-only handle.
//
// The supervisor restarts it like any server, but its endpoint -- the one
// every process holds -- lasts: a new generation serves the same endpoint,
// and the supervisor fills its registry again from what it knows (every
// server it started). The registry holds the supervisor's handles; it
// closes none.
#pragma once
#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/spin_lock.h"

namespace tas {

class NameServer final : public Server {
 public:
  static constexpr const char* kService = "names";
  static constexpr unsigned kMaxNames = 16;

  // In-TAS: `endpoint` (a handle of the TAS with DUPLICATE) serves `name`,
  // in place of an endpoint there before (a restarted server's).
  Result<void> set(const char* name, rebound_handle endpoint);
  unsigned count() const { return count_; }

  rb_message handle(rb_message& request) override;
  // The count of lookups, kept twice, agrees (fault site "names.lookup").
  bool state_ok() const override { return lookups_.ok(); }

 private:
  struct Entry {
    char name[REBOUND_NAME_MAX + 1];
    rebound_handle endpoint;
  };
  const Entry* find(const char* name) const;

  // The supervisor replaces endpoints while the name service serves.
  mutable SpinLock lock_;
  Entry entries_[kMaxNames] = {};
  unsigned count_ = 0;
  CheckedCount lookups_;
};

// The name packed into words 1-4 of a request (abi/rebound/services.h);
// false if it is empty or not NUL-padded.
bool unpack_name(const rb_message& m, char (&name)[REBOUND_NAME_MAX + 1]);

}  // namespace tas
