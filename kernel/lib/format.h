// printf-style formatting into a caller-supplied buffer: no allocation, usable
// from trap handlers and early boot. Supports %d %i %u %x %X %p %s %c %% with
// flags '-' '0' '#', a width, and the length modifiers l, ll, z.
#pragma once
#include <cstdarg>
#include <cstddef>

namespace lib {

// Writes at most size-1 characters and a terminating NUL; returns the length
// the full output would have had (like vsnprintf).
size_t vformat(char* buf, size_t size, const char* fmt, va_list args);
size_t format(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace lib
