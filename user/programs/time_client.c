/* A user program of the time service ("time", abi/rebound/services.h):
   prints the wall clock as a date (the system test starts QEMU with its RTC
   set to a known date and looks for it), and checks that the wall clock and
   the monotonic clock move on together and never back, that the service's
   monotonic clock is the kernel's, and that bad requests are refused. Exits
   with the number of failed checks. */
#include "rb_check.h"
#include "rb_service.h"

static rebound_handle g_time;

static uint64_t now(struct rb_message* m) {
  struct rb_message r = {{REBOUND_TIME_NOW, 0, 0, 0, 0, 0}, 0};
  const uint64_t e = rb_service_call(g_time, &r);
  *m = r;
  return e;
}

static void put_digits(char* out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = (char)('0' + v % 10);
}

int main(void) {
  check("lookup time", rb_lookup("time", &g_time) == 0);
  struct rb_message a, b, d;
  const uint64_t k0 = rb_clock();
  check("now", now(&a) == 0);
  const uint64_t k1 = rb_clock();
  check("its monotonic clock is the kernel's", a.w[3] >= k0 && a.w[3] <= k1);
  check("nanoseconds within a second", a.w[2] < 1000000000ull);

  struct rb_message date = {{REBOUND_TIME_DATE, a.w[1], 0, 0, 0, 0}, 0};
  check("date", rb_service_call(g_time, &date) == 0);
  char text[] = "time_client: wall clock YYYY-MM-DD hh:mm:ss UTC\n";
  char* p = text + 24;
  put_digits(p, date.w[1], 4);
  put_digits(p + 5, date.w[2], 2);
  put_digits(p + 8, date.w[3], 2);
  put_digits(p + 11, date.w[4] / 3600, 2);
  put_digits(p + 14, date.w[4] / 60 % 60, 2);
  put_digits(p + 17, date.w[4] % 60, 2);
  rb_print(text);

  struct rb_message epoch = {{REBOUND_TIME_DATE, 0, 0, 0, 0, 0}, 0};
  check("the epoch's date", rb_service_call(g_time, &epoch) == 0 && epoch.w[1] == 1970 &&
                                epoch.w[2] == 1 && epoch.w[3] == 1 && epoch.w[4] == 0);
  struct rb_message leap = {{REBOUND_TIME_DATE, 951825600 + 3723, 0, 0, 0, 0}, 0};
  check("a leap day's date", rb_service_call(g_time, &leap) == 0 && leap.w[1] == 2000 &&
                                 leap.w[2] == 2 && leap.w[3] == 29 && leap.w[4] == 12 * 3600 + 3723);

  /* Half a second later, both clocks moved on by about as much. */
  rb_sleep(500000000ull);
  check("now again", now(&b) == 0);
  const uint64_t wall_ns = (b.w[1] - a.w[1]) * 1000000000ull + b.w[2] - a.w[2];
  const uint64_t mono_ns = b.w[3] - a.w[3];
  check("the monotonic clock moved on", mono_ns >= 500000000ull);
  check("the wall clock with it", wall_ns == mono_ns);
  for (int i = 0; i < 1000; ++i) {
    check("never back", now(&d) == 0 && d.w[3] >= b.w[3] &&
                            (d.w[1] > b.w[1] || (d.w[1] == b.w[1] && d.w[2] >= b.w[2])));
    b = d;
  }
  struct rb_message bad = {{0x77, 0, 0, 0, 0, 0}, 0};
  check("unknown operation", rb_service_call(g_time, &bad) == invalid_argument);
  rb_print(failures == 0 ? "time_client: all passed\n" : "time_client: FAILED\n");
  return failures;
}
