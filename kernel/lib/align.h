// Rounding to a power-of-two alignment (pages, heap granules, frame runs).
#pragma once

namespace lib {

template <class T>
constexpr T align_down(T value, T alignment) {
  return value & ~(alignment - 1);
}
// The caller makes sure value + alignment - 1 does not overflow.
template <class T>
constexpr T align_up(T value, T alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}
template <class T>
constexpr bool is_aligned(T value, T alignment) {
  return (value & (alignment - 1)) == 0;
}

}  // namespace lib
