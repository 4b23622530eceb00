#include "servers/time/time_server.h"

#include "lib/log.h"
#include "servers/time/civil_time.h"
#include "servers/time/rtc.h"

namespace tas {

Result<void> TimeServer::start() {
  if (devices_ == 0) return fail(Error::bad_handle);
  TRY(seconds, time::read_rtc(devices_));
  rtc_seconds_ = seconds;
  rtc_read_ns_ = rb_clock();
  const time::CivilTime t = time::from_unix_seconds(seconds);
  KLOG_INFO("time: the RTC says %04ld-%02u-%02u %02u:%02u:%02u UTC", static_cast<long>(t.year),
            t.month, t.day, t.hour, t.minute, t.second);
  return {};
}

TimeServer::Now TimeServer::now() const {
  const uint64_t mono = rb_clock();
  const uint64_t since = mono - rtc_read_ns_;
  return Now{rtc_seconds_ + since / 1'000'000'000, since % 1'000'000'000, mono};
}

rb_message TimeServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_TIME_NOW: {
      const Now n = now();
      return ok_reply(n.unix_seconds, n.nanoseconds, n.monotonic_ns);
    }
    case REBOUND_TIME_DATE: {
      const time::CivilTime t = time::from_unix_seconds(request.w[1]);
      return ok_reply(static_cast<uint64_t>(t.year), t.month, t.day,
                      t.hour * 3600 + t.minute * 60 + t.second);
    }
    default: return status_reply(Error::invalid_argument);
  }
}

}  // namespace tas
