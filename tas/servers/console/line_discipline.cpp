#include "servers/console/line_discipline.h"

namespace tas::console {
namespace {
constexpr char kBackspace = 0x08, kDelete = 0x7f, kKillLine = 0x15 /* Ctrl-U */, kBell = 0x07;

size_t erase(size_t n, char* echo) {
  for (size_t i = 0; i < n; ++i) {
    echo[3 * i] = '\b';
    echo[3 * i + 1] = ' ';
    echo[3 * i + 2] = '\b';
  }
  return 3 * n;
}
}  // namespace

size_t LineDiscipline::feed(char c, char* echo) {
  const bool lf_of_crlf = c == '\n' && after_cr_;
  after_cr_ = c == '\r';
  if (lf_of_crlf) return 0;
  switch (c) {
    case '\r':
    case '\n': return complete_line(echo);
    case kBackspace:
    case kDelete:
      if (edit_length_ == 0) return 0;
      --edit_length_;
      return erase(1, echo);
    case kKillLine: {
      const size_t n = edit_length_;
      edit_length_ = 0;
      return erase(n, echo);
    }
    default: break;
  }
  const auto u = static_cast<unsigned char>(c);
  if ((u < 0x20 && c != '\t') || u >= 0x7f) return 0;  // other control characters
  if (edit_length_ + 1 >= kLineMax) {                  // room for the '\n' stays
    echo[0] = kBell;
    return 1;
  }
  edit_[edit_length_++] = c;
  echo[0] = c;
  return 1;
}

size_t LineDiscipline::complete_line(char* echo) {
  edit_[edit_length_++] = '\n';
  if (kBuffer - size_ < edit_length_) {
    ++dropped_;
  } else {
    for (size_t i = 0; i < edit_length_; ++i) ring_[(head_ + size_ + i) % kBuffer] = edit_[i];
    size_ += edit_length_;
    ++lines_;
    ++completed_;
  }
  edit_length_ = 0;
  echo[0] = '\r';
  echo[1] = '\n';
  return 2;
}

size_t LineDiscipline::take(char* out, size_t max) {
  if (lines_ == 0) return 0;
  size_t n = 0;
  while (n < max) {
    const char c = ring_[head_];
    head_ = (head_ + 1) % kBuffer;
    --size_;
    out[n++] = c;
    if (c == '\n') {
      --lines_;
      break;
    }
  }
  return n;
}

}  // namespace tas::console
