// Helpers shared by the in-kernel tests.
#pragma once
#include <initializer_list>

namespace ktest {

// Records the order in which Trackers are destroyed.
struct Order {
  int ids[32] = {};
  int count = 0;
  bool equals(std::initializer_list<int> expected) const {
    if (static_cast<int>(expected.size()) != count) return false;
    int i = 0;
    for (int id : expected) {
      if (ids[i++] != id) return false;
    }
    return true;
  }
};

struct Tracker {
  Order& order;
  int id;
  Tracker(Order& o, int i) : order(o), id(i) {}
  ~Tracker() {
    if (order.count < 32) order.ids[order.count++] = id;
  }
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;
};

inline bool contains(const char* haystack, const char* needle) {
  for (; *haystack != '\0'; ++haystack) {
    const char* h = haystack;
    const char* n = needle;
    while (*n != '\0' && *h == *n) ++h, ++n;
    if (*n == '\0') return true;
  }
  return *needle == '\0';
}

}  // namespace ktest
