#include "boot/memory_map.h"

namespace boot {

const char* to_string(RegionKind kind) {
  switch (kind) {
    case RegionKind::usable: return "usable";
    case RegionKind::reserved: return "reserved";
    case RegionKind::acpi_reclaimable: return "acpi-reclaimable";
    case RegionKind::acpi_nvs: return "acpi-nvs";
    case RegionKind::bad: return "bad";
    case RegionKind::kernel: return "kernel";
  }
  return "?";
}

bool MemoryMap::add(uint64_t base, uint64_t size, RegionKind kind) {
  if (size == 0) return true;
  if (count_ == kMaxRegions) return false;
  regions_[count_++] = Region{base, size, kind};
  return true;
}

bool MemoryMap::carve(uint64_t base, uint64_t size, RegionKind kind) {
  const uint64_t end = base + size;
  for (size_t i = 0; i < count_; ++i) {
    Region r = regions_[i];
    if (r.kind != RegionKind::usable || end <= r.base || base >= r.end()) continue;
    // Split r into [r.base, base) usable, the overlap as `kind`, [end, r.end) usable.
    const uint64_t lo = base > r.base ? base : r.base;
    const uint64_t hi = end < r.end() ? end : r.end();
    regions_[i] = Region{lo, hi - lo, kind};
    if (!add(r.base, lo - r.base, RegionKind::usable)) return false;
    if (!add(hi, r.end() - hi, RegionKind::usable)) return false;
  }
  sort();
  return true;
}

void MemoryMap::sort() {
  for (size_t i = 1; i < count_; ++i) {
    Region r = regions_[i];
    size_t j = i;
    for (; j > 0 && regions_[j - 1].base > r.base; --j) regions_[j] = regions_[j - 1];
    regions_[j] = r;
  }
}

uint64_t MemoryMap::total(RegionKind kind) const {
  uint64_t sum = 0;
  for (size_t i = 0; i < count_; ++i) {
    if (regions_[i].kind == kind) sum += regions_[i].size;
  }
  return sum;
}

}  // namespace boot
