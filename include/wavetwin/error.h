// wavetwin/error.h: the one exception type of wavetwin and the check macro that throws it.
#pragma once

#include <sstream>    // std::ostringstream, to format message parts
#include <stdexcept>  // std::runtime_error
#include <string>

namespace wavetwin {

/// Bad input, bad arguments or a failed operation. The message names the function, file, argument or
/// shape at fault and what was expected: "<where>: <what was got>; expected <what>".
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// The user stopped a long call (Ctrl-C in Python, through a progress callback). What was completed stays:
/// a training run keeps its last epoch's checkpoint and is recorded as interrupted.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

}  // namespace wavetwin

/// Throws wavetwin::Error with the parts streamed together when `cond` is false.
/// Example: `WAVETWIN_CHECK(x.dim() == 4, "dtcwpt2d: input of shape ", x.sizes(), "; expected NCHW");`
#define WAVETWIN_CHECK(cond, ...)                                    \
  do {                                                               \
    if (!(cond)) throw ::wavetwin::Error(::wavetwin::detail::concat(__VA_ARGS__)); \
  } while (false)

/// Throws wavetwin::Error unconditionally.
#define WAVETWIN_FAIL(...) throw ::wavetwin::Error(::wavetwin::detail::concat(__VA_ARGS__))
