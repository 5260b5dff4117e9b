// apps/wavetwin/output.h: what the subcommands share to show the library's results: written files, progress
// lines, the --device flag, flags that may be left unset.
#pragma once

#include <CLI/CLI.hpp>
#include <torch/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "wavetwin/report/output.h"
#include "wavetwin/train/trainer.h"

namespace wavetwin::cli {

/// "wrote FILE" on stdout for each file written, and each warning on stderr.
void print_output(const report::Output& output);

/// Progress of a pass over images on stderr: "LABEL: done/total images, images/s, ETA", rewritten in place on
/// a terminal, a line every 10 % otherwise.
class ProgressLine {
 public:
  /// Rates and ETA count from `start` (default: now).
  ProgressLine(std::string label, size_t total,
               std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now());
  void update(size_t done);
  double seconds() const;

 private:
  std::string label_;
  size_t total_;
  bool tty_;
  size_t last_decile_ = 0;
  std::chrono::steady_clock::time_point start_;
};

/// A progress callback (done, total) drawing one ProgressLine "LABEL", timed from its first call.
std::function<void(int64_t, int64_t)> progress_line(const std::string& label);

/// A progress callback (label, done, total) that draws one ProgressLine per label, "PREFIX LABEL", each timed
/// from its first call.
std::function<void(const std::string&, int64_t, int64_t)> progress_lines(const std::string& prefix);

/// Training progress: on a terminal one line redrawn in place; otherwise a plain line every 10% of an epoch.
/// After stop_on_signals(), the first SIGINT or SIGTERM makes its next call throw wavetwin::Interrupted.
std::function<void(const train::Progress&)> training_progress();

/// SIGINT and SIGTERM stop a training run at its next batch, recorded as interrupted; a second one kills.
void stop_on_signals();

/// "PREFIX: MESSAGE" on stderr.
std::function<void(const std::string&)> warnings(const std::string& prefix);

/// --device: cpu, or cuda when libtorch has CUDA and a device; throws wavetwin::Error otherwise.
torch::Device parse_device(const std::string& name);

/// Range checks whose refusal reads "--epochs: 0; expected a number > 0" (CLI11's PositiveNumber prints its
/// range up to the largest double instead).
extern const CLI::Validator kPositive, kNonNegative;

/// An option whose value is set only when the flag is given (left nullopt otherwise).
template <typename T>
CLI::Option* add_optional(CLI::App* app, const std::string& name, std::optional<T>& target,
                          const std::string& description) {
  return app->add_option_function<T>(name, [&target](const T& value) { target = value; }, description);
}

}  // namespace wavetwin::cli
