// Where the TAS keeps what it maps: the image at 4 MiB (tas.ld), then one
// area of fixed slots for thread stacks and one for server heaps, far apart
// and far from the kernel-chosen stack of the first thread.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tas::layout {

// Thread stacks: slot i is [kStacks + i*kStackSlot, +kStackSlot); its top
// kStackSize bytes are mapped, the rest stays unmapped as a guard below.
constexpr uintptr_t kStacks = uintptr_t{0x20} << 32;
constexpr size_t kStackSlot = 256 << 10;
constexpr size_t kStackSize = 128 << 10;
constexpr unsigned kMaxThreads = 64;

// Server heaps: heap slot i is [kHeaps + i*kHeapSlot, +kHeapSlot); each
// heap made in it reserves the next kHeapLimit-sized window of it (so a
// restarted server's heap is never where its predecessor's was).
constexpr uintptr_t kHeaps = uintptr_t{0x40} << 32;
constexpr size_t kHeapSlot = size_t{1} << 30;
constexpr size_t kHeapLimit = 16 << 20;
constexpr unsigned kMaxHeaps = 16;

}  // namespace tas::layout
