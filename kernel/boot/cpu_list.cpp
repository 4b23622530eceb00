#include "boot/cpu_list.h"

namespace boot {

const char* to_string(CpuStartMethod m) {
  switch (m) {
    case CpuStartMethod::none: return "none";
    case CpuStartMethod::psci: return "psci";
    case CpuStartMethod::spin_table: return "spin-table";
    case CpuStartMethod::init_sipi: return "INIT-SIPI";
    case CpuStartMethod::other: return "unknown";
  }
  return "?";
}

const char* to_string(PsciConduit c) {
  switch (c) {
    case PsciConduit::none: return "none";
    case PsciConduit::hvc: return "hvc";
    case PsciConduit::smc: return "smc";
  }
  return "?";
}

void CpuList::add(uint64_t hardware_id, CpuStartMethod start) {
  if (index_of(hardware_id) >= 0) {
    ++duplicates;
    return;
  }
  if (count == kCapacity) {
    ++ignored;
    return;
  }
  entries[count++] = CpuEntry{hardware_id, start};
}

long CpuList::index_of(uint64_t hardware_id) const {
  for (size_t i = 0; i < count; ++i)
    if (entries[i].hardware_id == hardware_id) return static_cast<long>(i);
  return -1;
}

}  // namespace boot
