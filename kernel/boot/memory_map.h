// The physical memory map found at boot (device tree or multiboot), in a fixed
// array: it exists before any allocator does.
#pragma once
#include <cstddef>
#include <cstdint>

namespace boot {

enum class RegionKind : uint8_t { usable, reserved, acpi_reclaimable, acpi_nvs, bad, kernel };

const char* to_string(RegionKind kind);

struct Region {
  uint64_t base;
  uint64_t size;
  RegionKind kind;
  uint64_t end() const { return base + size; }
};

class MemoryMap {
 public:
  static constexpr size_t kMaxRegions = 64;

  // Returns false (and drops the region) when the map is full.
  bool add(uint64_t base, uint64_t size, RegionKind kind);
  // Marks [base, base+size) as `kind`, splitting usable regions around it.
  bool carve(uint64_t base, uint64_t size, RegionKind kind);
  void sort();

  size_t size() const { return count_; }
  const Region& operator[](size_t i) const { return regions_[i]; }
  uint64_t total(RegionKind kind) const;

 private:
  Region regions_[kMaxRegions]{};
  size_t count_ = 0;
};

}  // namespace boot
