// A count a server keeps twice -- as itself and as its complement -- so
// that corruption of the server's state shows: the pair agrees unless
// something wrote over it. A server compares it in Server::state_ok(), and
// its fault site, armed with REBOUND_INJECT_CORRUPT, breaks it on purpose
// (corrupt()) for the supervisor's tests.
#pragma once
#include <cstdint>

namespace tas {

class CheckedCount {
 public:
  void add(uint64_t n = 1) {
    value_ += n;
    complement_ -= n;
  }
  void corrupt() { complement_ = value_; }
  bool ok() const { return value_ == ~complement_; }
  uint64_t value() const { return value_; }

 private:
  uint64_t value_ = 0;
  uint64_t complement_ = ~uint64_t{0};
};

}  // namespace tas
