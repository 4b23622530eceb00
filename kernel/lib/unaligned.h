// Reading a value from a byte stream that gives no alignment guarantee (ELF
// headers, unwind tables): memcpy, which the compiler turns into a plain load
// where the CPU allows it.
#pragma once
#include <cstdint>

namespace lib {

template <class T>
T load_unaligned(const uint8_t* p) {
  T v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace lib
