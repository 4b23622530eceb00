// catch_unwind(f): run f; if anything below it throws -- a C++ exception, a CPU
// fault turned into one, a failed KASSERT -- unwind to here (destructors run)
// and return the Fault instead of f's value. This is the only place where the
// kernel catches: every kernel entry runs inside one.
#pragma once
#include <exception>
#include <expected>
#include <type_traits>
#include <utility>

#include "recovery/fault.h"
#include "recovery/recovery_state.h"

namespace recovery {

template <class T>
using FaultOr = std::expected<T, Fault>;

namespace detail {
Fault fault_from(const std::exception& e);
Fault fault_from_unknown();

// The result of a caught fault. Out of line, so that copying the Fault
// (a few hundred bytes) adds nothing to the path that does not throw: no
// extra registers to save in the caller, no copy loop inlined into it.
template <class T>
[[gnu::noinline, gnu::cold]] FaultOr<T> failed(const Fault& f) {
  return std::unexpected(f);
}

class RegionGuard {
 public:
  explicit RegionGuard(RecoveryState& state) : state_(state) { ++state_.region_depth; }
  ~RegionGuard() { --state_.region_depth; }
  RegionGuard(const RegionGuard&) = delete;
  RegionGuard& operator=(const RegionGuard&) = delete;

 private:
  RecoveryState& state_;
};
}  // namespace detail

// Always inline: the region is then a counter around a plain call.
// `state` is the running thread's (current_state()), for a caller that has
// it at hand.
template <class F>
[[gnu::always_inline]] inline auto catch_unwind(RecoveryState& state, F&& f)
    -> FaultOr<std::invoke_result_t<F>> {
  using T = std::invoke_result_t<F>;
  detail::RegionGuard region(state);
  try {
    if constexpr (std::is_void_v<T>) {
      std::forward<F>(f)();
      return {};
    } else {
      return std::forward<F>(f)();
    }
  } catch (const FaultException& e) {
    return detail::failed<T>(e.fault());
  } catch (const std::exception& e) {
    return detail::failed<T>(detail::fault_from(e));
  } catch (...) {
    return detail::failed<T>(detail::fault_from_unknown());
  }
}

template <class F>
[[gnu::always_inline]] inline auto catch_unwind(F&& f) -> FaultOr<std::invoke_result_t<F>> {
  return catch_unwind(current_state(), std::forward<F>(f));
}

}  // namespace recovery
