// FDE lookup through the binary-search table of a linked image's
// .eh_frame_hdr (built by `ld --eh-frame-hdr`): no allocation, no lock, no
// registration at boot, safe on any CPU at any time.
#pragma once
#include <cstdint>

namespace recovery {

struct FdeMatch {
  const uint8_t* fde;        // the FDE covering the pc
  uintptr_t function_start;  // its initial location
};

// Finds the FDE whose range contains `pc`. False if the header is malformed
// or uses an encoding other than the ones GNU ld emits, or no FDE covers pc.
bool find_fde(const uint8_t* eh_frame_hdr, uintptr_t pc, FdeMatch& out);

}  // namespace recovery
