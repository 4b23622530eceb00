// Kernel log: levelled, timestamped lines on the kernel's own console path.
// Output goes through a sink set at boot (the serial port; a buffer in host
// tests), so the log never depends on a server.
#pragma once
#include <cstdint>

namespace klog {

enum class Level : uint8_t { debug, info, warn, error };

struct Sink {
  void (*write)(const char* text, unsigned long length);
  uint64_t (*now_ns)();  // monotonic time since boot, for the timestamp
};

void set_sink(Sink sink);
void set_level(Level min);
Level level();

void log(Level level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Unlevelled output with no prefix (banners, test-runner lines).
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define KLOG_DEBUG(...) ::klog::log(::klog::Level::debug, __VA_ARGS__)
#define KLOG_INFO(...) ::klog::log(::klog::Level::info, __VA_ARGS__)
#define KLOG_WARN(...) ::klog::log(::klog::Level::warn, __VA_ARGS__)
#define KLOG_ERROR(...) ::klog::log(::klog::Level::error, __VA_ARGS__)

}  // namespace klog
