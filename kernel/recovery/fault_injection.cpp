#include "recovery/fault_injection.h"

#include "recovery/fault.h"

namespace recovery {

unsigned detail::g_armed_count = 0;

namespace {

struct Armed {
  char site[48] = {};
  unsigned kind = REBOUND_INJECT_OFF;
};
Armed g_armed;

bool same(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

}  // namespace

void arm_fault(const char* site, size_t length, unsigned kind, unsigned count) {
  detail::g_armed_count = 0;
  g_armed = Armed{};
  size_t n = length < sizeof g_armed.site - 1 ? length : sizeof g_armed.site - 1;
  for (size_t i = 0; i < n; ++i) g_armed.site[i] = site[i];
  g_armed.kind = kind;
  detail::g_armed_count = count;
}

void disarm_faults() {
  detail::g_armed_count = 0;
  g_armed = Armed{};
}

bool detail::armed_fault_point(const char* site) {
  if (g_armed_count == 0 || !same(site, g_armed.site)) return false;
  --g_armed_count;
  switch (g_armed.kind) {
    case REBOUND_INJECT_THROW: {
      Fault f;
      f.kind = FaultKind::cpp_exception;
      f.set_message("injected fault at %s", site);
      throw FaultException(f);
    }
    case REBOUND_INJECT_NULL_READ: {
      volatile int* p = nullptr;
      asm volatile("" : "+r"(p));
      (void)*p;
      break;
    }
    case REBOUND_INJECT_CORRUPT: return true;
    case REBOUND_INJECT_HANG:
      for (;;) asm volatile("");
    default: break;
  }
  return false;
}

}  // namespace recovery
