// apps/wavetwin/output.h: what every subcommand that writes a directory of results shares.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "wavetwin/report/plot.h"

namespace wavetwin::cli {

/// Creates `dir` (and its parents) when missing; throws wavetwin::Error when it names a file.
std::filesystem::path output_dir(const std::string& dir);

/// Renders `figure` to `png` and says so on stdout, or says on stderr that gnuplot is missing (the script and
/// the data are written all the same).
void write_figure(const report::Figure& figure, const std::filesystem::path& png);

/// write_figure() for several figures at once (drawn concurrently).
void write_figures(const std::vector<std::pair<report::Figure, std::filesystem::path>>& figures);

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

/// --device: cpu, or cuda when libtorch has CUDA and a device; throws wavetwin::Error otherwise.
torch::Device parse_device(const std::string& name);

/// Seconds as H:MM:SS.
std::string format_duration(double seconds);

}  // namespace wavetwin::cli
