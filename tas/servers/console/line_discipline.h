// The console's input line discipline: characters received from the serial
// port become edited lines -- echoed as typed; DEL or BS erases the last
// character, Ctrl-U the whole line; CR or LF (a CR LF pair counts once) ends
// it -- kept in order until readers take them. Portable and free of system
// calls: the console server feeds it characters and writes out its echo;
// host tests drive it directly.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tas::console {

class LineDiscipline {
 public:
  static constexpr size_t kLineMax = 128;           // a line being typed, its '\n' included
  static constexpr size_t kBuffer = 1024;           // complete lines waiting for readers
  static constexpr size_t kEchoMax = 3 * kLineMax;  // the echo of one character, at most

  // Takes one received character; puts what to echo in `echo` (room for
  // kEchoMax bytes) and returns how many bytes that is. A character that
  // does not fit the line rings the bell; a completed line with no room
  // left in the buffer is dropped (and counted).
  size_t feed(char c, char* echo);

  // Whether a complete line waits.
  bool has_line() const { return lines_ > 0; }
  // Moves the next bytes of the first complete line into `out`: up to
  // `max`, stopping after its '\n'. Returns the count (0 if no line waits).
  size_t take(char* out, size_t max);

  uint64_t lines_completed() const { return completed_; }
  uint64_t lines_dropped() const { return dropped_; }

 private:
  size_t complete_line(char* echo);

  char edit_[kLineMax] = {};
  size_t edit_length_ = 0;
  bool after_cr_ = false;  // a LF right after a CR is that CR's
  char ring_[kBuffer] = {};
  size_t head_ = 0, size_ = 0;  // the waiting bytes: ring_[head_ ..) wrapping, size_ of them
  size_t lines_ = 0;            // complete lines among them
  uint64_t completed_ = 0, dropped_ = 0;
};

}  // namespace tas::console
