// Result<T>: a value or a rebound::Error, for failures that are expected
// (out of memory, bad arguments). Faults that need backward recovery are
// exceptions instead (see recovery/catch_unwind.h).
#pragma once
#include <expected>

#include "rebound/error.h"

using rebound::Error;

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected(e); }

// Propagates an error: `TRY(x, expr)` declares x as expr's value, or returns
// its error from the enclosing function.
#define TRY(var, expr)                                               \
  auto var##_result_ = (expr);                                       \
  if (!var##_result_) return std::unexpected(var##_result_.error()); \
  auto var = std::move(*var##_result_)

// Propagates the error of a Result<void> (or any Result whose value is not
// needed).
#define TRY_VOID(expr)                                     \
  do {                                                     \
    if (auto try_void_result_ = (expr); !try_void_result_) \
      return std::unexpected(try_void_result_.error());    \
  } while (0)
