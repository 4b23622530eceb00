#include "lib/format.h"

#include <cstdint>

namespace lib {
namespace {

class Writer {
 public:
  Writer(char* buf, size_t size) : buf_(buf), size_(size) {}
  void put(char c) {
    if (len_ + 1 < size_) buf_[len_] = c;
    ++len_;
  }
  void pad(char c, int n) {
    for (; n > 0; --n) put(c);
  }
  size_t finish() {
    if (size_ > 0) buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
    return len_;
  }

 private:
  char* buf_;
  size_t size_;
  size_t len_ = 0;
};

struct Spec {
  bool left = false;
  bool zero = false;
  bool alternate = false;  // '#': 0x prefix for %x
  int width = 0;
};

void put_string(Writer& w, const Spec& s, const char* str) {
  if (str == nullptr) str = "(null)";
  int n = 0;
  while (str[n] != '\0') ++n;
  if (!s.left) w.pad(' ', s.width - n);
  for (int i = 0; i < n; ++i) w.put(str[i]);
  if (s.left) w.pad(' ', s.width - n);
}

void put_number(Writer& w, const Spec& s, uint64_t value, bool negative, unsigned base, bool upper,
                const char* prefix) {
  char digits[24];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[value % base];
    value /= base;
  } while (value != 0);
  int prefix_len = 0;
  while (prefix[prefix_len] != '\0') ++prefix_len;
  int total = n + prefix_len + (negative ? 1 : 0);
  if (!s.left && !s.zero) w.pad(' ', s.width - total);
  if (negative) w.put('-');
  for (int i = 0; i < prefix_len; ++i) w.put(prefix[i]);
  if (!s.left && s.zero) w.pad('0', s.width - total);
  while (n > 0) w.put(digits[--n]);
  if (s.left) w.pad(' ', s.width - total);
}

}  // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list args) {
  Writer w(buf, size);
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      w.put(*p);
      continue;
    }
    Spec s;
    for (++p; *p == '-' || *p == '0' || *p == '#'; ++p) {
      if (*p == '-') s.left = true;
      if (*p == '0') s.zero = true;
      if (*p == '#') s.alternate = true;
    }
    for (; *p >= '0' && *p <= '9'; ++p) s.width = s.width * 10 + (*p - '0');
    int longs = 0;
    bool size_t_arg = false;
    for (; *p == 'l' || *p == 'z'; ++p) {
      if (*p == 'l') ++longs;
      if (*p == 'z') size_t_arg = true;
    }
    auto unsigned_arg = [&]() -> uint64_t {
      if (size_t_arg) return va_arg(args, size_t);
      if (longs >= 2) return va_arg(args, unsigned long long);
      if (longs == 1) return va_arg(args, unsigned long);
      return va_arg(args, unsigned int);
    };
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v;
        if (size_t_arg)
          v = static_cast<int64_t>(va_arg(args, size_t));
        else if (longs >= 2)
          v = va_arg(args, long long);
        else if (longs == 1)
          v = va_arg(args, long);
        else
          v = va_arg(args, int);
        uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        put_number(w, s, magnitude, v < 0, 10, false, "");
        break;
      }
      case 'u': put_number(w, s, unsigned_arg(), false, 10, false, ""); break;
      case 'x':
      case 'X':
        put_number(w, s, unsigned_arg(), false, 16, *p == 'X', s.alternate ? "0x" : "");
        break;
      case 'p':
        put_number(w, s, reinterpret_cast<uintptr_t>(va_arg(args, void*)), false, 16, false, "0x");
        break;
      case 's': put_string(w, s, va_arg(args, const char*)); break;
      case 'c': w.put(static_cast<char>(va_arg(args, int))); break;
      case '%': w.put('%'); break;
      case '\0':
        --p;  // a lone '%' at the end: print it and stop
        w.put('%');
        break;
      default:  // unknown conversion: print it as written
        w.put('%');
        w.put(*p);
        break;
    }
  }
  return w.finish();
}

size_t format(char* buf, size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  size_t n = vformat(buf, size, fmt, args);
  va_end(args);
  return n;
}

}  // namespace lib
