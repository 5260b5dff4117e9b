// apps/wavetwin/output.cpp: output directories and figures for the subcommands.
#include "output.h"

#include <torch/cuda.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "wavetwin/error.h"

namespace wavetwin::cli {

std::filesystem::path output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  WAVETWIN_CHECK(!dir.empty(), "--out: empty path; expected a directory");
  std::error_code error;
  fs::create_directories(dir, error);
  WAVETWIN_CHECK(fs::is_directory(dir), "--out ", dir, ": cannot create the directory",
                 error ? " (" + error.message() + ")" : std::string(" (a file of that name exists)"));
  return fs::path(dir);
}

void write_figure(const report::Figure& figure, const std::filesystem::path& png) { write_figures({{figure, png}}); }

void write_figures(const std::vector<std::pair<report::Figure, std::filesystem::path>>& figures) {
  if (report::render(figures)) {
    for (const auto& figure : figures) std::printf("wrote %s\n", figure.second.c_str());
    return;
  }
  for (const auto& figure : figures) {
    std::fprintf(stderr, "wavetwin: gnuplot not found, %s not drawn (its script %s and the data are written; "
                 "install gnuplot-nox)\n", figure.second.c_str(),
                 std::filesystem::path(figure.second).replace_extension(".gp").c_str());
  }
}

ProgressLine::ProgressLine(std::string label, size_t total, std::chrono::steady_clock::time_point start)
    : label_(std::move(label)), total_(std::max<size_t>(total, 1)), tty_(::isatty(STDERR_FILENO)), start_(start) {}

double ProgressLine::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(size_t done) {
  const double rate = done / std::max(seconds(), 1e-9);
  const std::string eta = format_duration((total_ - std::min(done, total_)) / std::max(rate, 1e-9));
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s: %zu/%zu images, %.0f images/s, ETA %s", label_.c_str(), done, total_, rate,
                 eta.c_str());
    if (done >= total_) std::fprintf(stderr, "\n");
  } else if (done * 10 / total_ != last_decile_ || done >= total_) {
    last_decile_ = done * 10 / total_;
    std::fprintf(stderr, "%s: %zu/%zu images, %.0f images/s, ETA %s\n", label_.c_str(), done, total_, rate,
                 eta.c_str());
  }
}

torch::Device parse_device(const std::string& name) {
  WAVETWIN_CHECK(name == "cpu" || name == "cuda", "--device ", name, "; expected cpu or cuda");
  WAVETWIN_CHECK(name == "cpu" || torch::cuda::is_available(), "--device cuda: no CUDA device, or wavetwin was ",
                 "built against a CPU-only libtorch; expected --device cpu");
  return name == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace wavetwin::cli
