// Counters of the C++ runtime, for leak checks (see issue: resource accounting).
#pragma once
#include <cstddef>

namespace recovery {

struct RuntimeStats {
  size_t exception_objects_in_use;
  size_t exception_objects_high_water;
};

RuntimeStats runtime_stats();

}  // namespace recovery
