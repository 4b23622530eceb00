// The RTC on x86_64: the PC's CMOS clock, read through its index and data
// ports. It keeps a broken-down date, in BCD or binary and 12- or 24-hour
// form (status register B says which), and updates it once a second: read
// while no update is in progress, and again until two reads agree.
#include "runtime/sys.h"
#include "servers/time/civil_time.h"
#include "servers/time/rtc.h"

namespace tas::time {
namespace {

constexpr uint16_t kIndex = 0x70, kData = 0x71;
constexpr uint8_t kSecond = 0x00, kMinute = 0x02, kHour = 0x04, kDay = 0x07, kMonth = 0x08,
                  kYear = 0x09, kStatusA = 0x0a, kStatusB = 0x0b, kCentury = 0x32;
constexpr uint8_t kUpdating = 0x80;                 // status A
constexpr uint8_t kBinary = 0x04, kHours24 = 0x02;  // status B
constexpr uint8_t kPm = 0x80;                       // in the hour, 12-hour form

uint8_t cmos(uint8_t reg) {
  asm volatile("outb %b0, %w1" ::"a"(reg), "Nd"(kIndex));
  uint8_t v;
  asm volatile("inb %w1, %b0" : "=a"(v) : "Nd"(kData));
  return v;
}

struct Raw {
  uint8_t second, minute, hour, day, month, year, century;
  bool operator==(const Raw&) const = default;
};

Raw read_raw() {
  while ((cmos(kStatusA) & kUpdating) != 0) {
  }
  return Raw{cmos(kSecond), cmos(kMinute), cmos(kHour),   cmos(kDay),
             cmos(kMonth),  cmos(kYear),   cmos(kCentury)};
}

}  // namespace

Result<uint64_t> read_rtc(rebound_handle devices) {
  TRY_VOID(check(RB_SYS3(REBOUND_SYS_IO_PORTS_ALLOW, devices, kIndex, 2).error));
  Raw raw = read_raw();
  for (Raw again = read_raw(); !(again == raw); again = read_raw()) raw = again;
  const uint8_t b = cmos(kStatusB);
  const bool pm = (b & kHours24) == 0 && (raw.hour & kPm) != 0;
  raw.hour &= static_cast<uint8_t>(~kPm);
  auto field = [&](uint8_t v) -> Result<unsigned> {
    if ((b & kBinary) != 0) return unsigned{v};
    return from_bcd(v);
  };
  TRY(second, field(raw.second));
  TRY(minute, field(raw.minute));
  TRY(hour, field(raw.hour));
  TRY(day, field(raw.day));
  TRY(month, field(raw.month));
  TRY(year, field(raw.year));
  auto century = field(raw.century);
  // 12-hour form: 12 AM is 0, 12 PM is 12.
  if ((b & kHours24) == 0) hour = hour % 12 + (pm ? 12 : 0);
  // A clock without a century register: this century.
  const unsigned hundreds = century && *century >= 19 && *century <= 99 ? *century : 20;
  return to_unix_seconds(
      CivilTime{int64_t{hundreds} * 100 + year, month, day, hour, minute, second});
}

}  // namespace tas::time
