#include "core/kernel_options.h"

#include <cstddef>

namespace core {
namespace {

bool word_is(const char* w, size_t n, const char* s) {
  size_t i = 0;
  for (; i < n && s[i] != '\0'; ++i) {
    if (w[i] != s[i]) return false;
  }
  return i == n && s[i] == '\0';
}

bool has_prefix(const char* w, size_t n, const char* prefix, size_t& plen) {
  plen = 0;
  while (prefix[plen] != '\0') {
    if (plen >= n || w[plen] != prefix[plen]) return false;
    ++plen;
  }
  return true;
}

// The next space-separated word from p on: its start in w, its length
// (0: none left); p moves past it.
size_t next_word(const char*& p, const char*& w) {
  while (*p == ' ') ++p;
  w = p;
  while (*p != '\0' && *p != ' ') ++p;
  return static_cast<size_t>(p - w);
}

// The words after "--", NUL-terminated one after the other; a word that
// does not fit whole ends the list (logged).
void take_init_args(const char* p, KernelOptions& o) {
  size_t at = 0;
  const char* w;
  for (size_t n; (n = next_word(p, w)) != 0;) {
    if (at + n + 1 > sizeof o.init_args) {
      KLOG_WARN("init's command line is longer than %zu bytes: cut", sizeof o.init_args);
      break;
    }
    for (size_t i = 0; i < n; ++i) o.init_args[at + i] = w[i];
    o.init_args[at + n] = '\0';
    at += n + 1;
  }
  o.init_args_length = at;
}

}  // namespace

KernelOptions parse_options(const char* cmdline) {
  KernelOptions o;
  const char* p = cmdline;
  const char* w;
  for (size_t n; (n = next_word(p, w)) != 0;) {
    size_t plen;
    if (word_is(w, n, "--")) {
      o.init_command = true;
      take_init_args(p, o);
      break;
    }
    if (word_is(w, n, "halt")) {
      o.halt_after_boot = true;
    } else if (word_is(w, n, "bench")) {
      o.bench = true;
    } else if (word_is(w, n, "diag")) {
      o.diag = true;
    } else if (word_is(w, n, "log=debug")) {
      o.log_level = klog::Level::debug;
    } else if (word_is(w, n, "log=info")) {
      o.log_level = klog::Level::info;
    } else if (word_is(w, n, "log=warn")) {
      o.log_level = klog::Level::warn;
    } else if (word_is(w, n, "log=error")) {
      o.log_level = klog::Level::error;
    } else if (has_prefix(w, n, "run=", plen)) {
      size_t m = n - plen < sizeof o.run - 1 ? n - plen : sizeof o.run - 1;
      for (size_t i = 0; i < m; ++i) o.run[i] = w[plen + i];
      o.run[m] = '\0';
    } else if (has_prefix(w, n, "cpus=", plen) && n - plen == 1 && w[plen] >= '1' &&
               static_cast<unsigned>(w[plen] - '0') <= kMaxCpusOption) {
      o.max_cpus = static_cast<unsigned>(w[plen] - '0');
    } else if (has_prefix(w, n, "ktest=", plen)) {
      size_t m = n - plen < sizeof o.ktest_filter - 1 ? n - plen : sizeof o.ktest_filter - 1;
      for (size_t i = 0; i < m; ++i) o.ktest_filter[i] = w[plen + i];
      o.ktest_filter[m] = '\0';
    } else {
      char word[48];
      size_t m = n < sizeof word - 1 ? n : sizeof word - 1;
      for (size_t i = 0; i < m; ++i) word[i] = w[i];
      word[m] = '\0';
      KLOG_WARN("unknown kernel option '%s' ignored", word);
      ++o.unknown_options;
    }
  }
  return o;
}

bool starts_init(const KernelOptions& options, bool tests_built) {
  if (options.run[0] != '\0' || options.halt_after_boot) return false;
  return !tests_built || options.init_command;
}

}  // namespace core
