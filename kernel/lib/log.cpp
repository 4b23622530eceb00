#include "lib/log.h"

#include <cstdarg>

#include "lib/format.h"

namespace klog {
namespace {

void discard(const char*, unsigned long) {}
uint64_t no_clock() { return 0; }

Sink g_sink{discard, no_clock};
Level g_min = Level::info;

void emit(const char* prefix, const char* fmt, va_list args) {
  char line[256];
  size_t n = lib::format(line, sizeof line, "%s", prefix);
  if (n >= sizeof line) n = sizeof line - 1;
  size_t m = lib::vformat(line + n, sizeof line - n, fmt, args);
  n = (n + m < sizeof line - 1) ? n + m : sizeof line - 1;
  g_sink.write(line, n);
}

}  // namespace

void set_sink(Sink sink) { g_sink = sink; }
void set_level(Level min) { g_min = min; }
Level level() { return g_min; }

void log(Level level, const char* fmt, ...) {
  if (level < g_min) return;
  static constexpr char kTag[] = {'D', 'I', 'W', 'E'};
  uint64_t ns = g_sink.now_ns();
  char prefix[32];
  lib::format(prefix, sizeof prefix, "[%5u.%06u] %c ", static_cast<unsigned>(ns / 1000000000),
              static_cast<unsigned>(ns / 1000 % 1000000), kTag[static_cast<int>(level)]);
  va_list args;
  va_start(args, fmt);
  emit(prefix, fmt, args);
  va_end(args);
  g_sink.write("\n", 1);
}

void print(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  emit("", fmt, args);
  va_end(args);
}

}  // namespace klog
