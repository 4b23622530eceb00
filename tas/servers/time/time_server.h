// The time service ("time"): the wall clock and the monotonic clock for user
// programs (protocol: abi/rebound/services.h) and, through now(), for other
// servers. The RTC is read once, as the server starts (rtc.h); from then on
// the wall clock is that reading advanced by the kernel's monotonic clock,
// so it never steps backwards between two readings. A restart reads the RTC
// again.
#pragma once
#include "rebound/services.h"
#include "runtime/serve.h"

namespace tas {

class TimeServer final : public Server {
 public:
  static constexpr const char* kService = "time";

  struct Now {
    uint64_t unix_seconds;
    uint64_t nanoseconds;  // within that second
    uint64_t monotonic_ns;
  };

  explicit TimeServer(rebound_handle devices) : devices_(devices) {}
  Result<void> start() override;
  rb_message handle(rb_message& request) override;

  // In-TAS: the wall clock (UTC) and the monotonic clock, now.
  Now now() const;

 private:
  const rebound_handle devices_;
  uint64_t rtc_seconds_ = 0;  // the RTC's reading ...
  uint64_t rtc_read_ns_ = 0;  // ... taken at this monotonic time
};

}  // namespace tas
