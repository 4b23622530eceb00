// A fixed set of N numbered slots, claimed and released through a bitmap.
// Claims are next-fit: the search starts after the slot claimed last, so a
// released slot is handed out again as late as possible (a stale pointer into
// a dead kernel stack then faults instead of landing in a new one). Not
// locked: the owner serialises calls.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

namespace lib {

template <size_t N>
class SlotBitmap {
  static_assert(N > 0 && N % 64 == 0, "whole 64-bit words");

 public:
  static constexpr size_t kSlots = N;

  // The lowest free slot at or after the one past the last claim (wrapping),
  // now claimed; nullopt when all N are taken.
  std::optional<size_t> claim() {
    if (used_ == N) return std::nullopt;
    for (size_t scanned = 0; scanned <= kWords; ++scanned) {
      const size_t w = (next_ / 64 + scanned) % kWords;
      uint64_t free = ~words_[w];
      // In the first word, skip the slots before next_ (they come last).
      if (scanned == 0) free &= ~uint64_t{0} << (next_ % 64);
      if (free == 0) continue;
      const size_t slot = w * 64 + static_cast<size_t>(__builtin_ctzll(free));
      words_[w] |= uint64_t{1} << (slot % 64);
      ++used_;
      next_ = (slot + 1) % N;
      return slot;
    }
    return std::nullopt;  // unreachable while used_ counts the set bits
  }

  // Releases a claimed slot; false (and no change) for a slot out of range
  // or not claimed.
  bool release(size_t slot) {
    if (!claimed(slot)) return false;
    words_[slot / 64] &= ~(uint64_t{1} << (slot % 64));
    --used_;
    return true;
  }

  bool claimed(size_t slot) const {
    return slot < N && (words_[slot / 64] >> (slot % 64) & 1) != 0;
  }
  size_t used() const { return used_; }

 private:
  static constexpr size_t kWords = N / 64;

  uint64_t words_[kWords] = {};
  size_t used_ = 0;
  size_t next_ = 0;
};

}  // namespace lib
