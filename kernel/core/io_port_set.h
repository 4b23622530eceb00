// The I/O ports a process may use (x86_64): a few ranges, granted through
// the device capability (IO_PORTS_ALLOW, core/device_control.h) and never
// taken back while the process lives. The arch code builds the CPU's I/O
// permission bitmap from them when the process first touches a port on a
// CPU (arch/x86_64/io_permission.h). The generation names the set's
// contents: it changes with every grant and is unique among all processes'
// sets, so that a CPU can tell whether the bitmap it holds is this one.
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace core {

class IoPortSet {
 public:
  static constexpr unsigned kMaxRanges = 8;
  static constexpr uint32_t kPorts = 0x10000;

  struct Range {
    uint32_t first = 0, count = 0;
  };

  // Adds [first, first+count) (checked by the caller: inside kPorts, not
  // empty). Nothing changes if the set already has all of it;
  // Error::limit_reached when kMaxRanges ranges are taken.
  Result<void> allow(uint32_t first, uint32_t count);
  bool allows(uint32_t port) const;

  bool empty() const { return count_ == 0; }
  unsigned size() const { return count_; }
  const Range& operator[](unsigned i) const { return ranges_[i]; }
  uint64_t generation() const { return generation_; }

 private:
  Range ranges_[kMaxRanges];
  unsigned count_ = 0;
  uint64_t generation_ = 0;  // 0 while empty
};

}  // namespace core
