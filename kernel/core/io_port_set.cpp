#include "core/io_port_set.h"

#include <atomic>

namespace core {
namespace {
std::atomic<uint64_t> g_generations{0};
}  // namespace

Result<void> IoPortSet::allow(uint32_t first, uint32_t count) {
  bool all = true;
  for (uint32_t p = first; p < first + count && all; ++p) all = allows(p);
  if (all) return {};
  if (count_ == kMaxRanges) return fail(Error::limit_reached);
  ranges_[count_++] = Range{first, count};
  generation_ = g_generations.fetch_add(1, std::memory_order_relaxed) + 1;
  return {};
}

bool IoPortSet::allows(uint32_t port) const {
  for (unsigned i = 0; i < count_; ++i) {
    if (port - ranges_[i].first < ranges_[i].count) return true;
  }
  return false;
}

}  // namespace core
