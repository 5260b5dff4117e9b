// apps/wavetwin/output.cpp: showing the library's results on the terminal.
#include "output.h"

#include <torch/cuda.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>

#include "wavetwin/error.h"
#include "wavetwin/report/table.h"

namespace wavetwin::cli {

void print_output(const report::Output& output) {
  for (const auto& file : output.files) std::printf("wrote %s\n", file.c_str());
  std::fflush(stdout);
  for (const auto& warning : output.warnings) std::fprintf(stderr, "wavetwin: %s\n", warning.c_str());
}

ProgressLine::ProgressLine(std::string label, size_t total, std::chrono::steady_clock::time_point start)
    : label_(std::move(label)), total_(std::max<size_t>(total, 1)), tty_(::isatty(STDERR_FILENO)), start_(start) {}

double ProgressLine::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(size_t done) {
  const double rate = done / std::max(seconds(), 1e-9);
  const std::string eta = report::format_duration((total_ - std::min(done, total_)) / std::max(rate, 1e-9));
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

std::function<void(int64_t, int64_t)> progress_line(const std::string& label) {
  auto line = std::make_shared<std::unique_ptr<ProgressLine>>();
  return [line, label](int64_t done, int64_t total) {
    if (!*line) *line = std::make_unique<ProgressLine>(label, static_cast<size_t>(total));
    (*line)->update(static_cast<size_t>(done));
  };
}

std::function<void(const std::string&, int64_t, int64_t)> progress_lines(const std::string& prefix) {
  struct Line {
    std::unique_ptr<ProgressLine> line;
    int64_t done = 0;
  };
  auto lines = std::make_shared<std::map<std::string, Line>>();
  return [lines, prefix](const std::string& label, int64_t done, int64_t total) {
    Line& line = (*lines)[label];
    // A count that does not grow is a new pass under the same label (the demo evaluates model after model).
    if (!line.line || done <= line.done) {
      line.line = std::make_unique<ProgressLine>(prefix + " " + label, static_cast<size_t>(total));
    }
    line.done = done;
    line.line->update(static_cast<size_t>(done));
  };
}

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int signal) {
  stop_signal = signal;
  std::signal(signal, SIG_DFL);
}

}  // namespace

void stop_on_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

std::function<void(const train::Progress&)> training_progress() {
  const bool tty = isatty(fileno(stderr));
  auto last_tenth = std::make_shared<int64_t>(-1);
  return [tty, last_tenth](const train::Progress& p) {
    if (stop_signal != 0) {
      throw Interrupted(std::string("stopped by ") + (stop_signal == SIGINT ? "SIGINT" : "SIGTERM") + " in epoch " +
                        std::to_string(p.epoch) + "; the run keeps its last completed epoch (continue it with --resume)");
    }
    if (p.validating) {
      std::fprintf(stderr, tty ? "\r\033[Kepoch %lld/%lld: validating...\n" : "epoch %lld/%lld: validating\n",
                   static_cast<long long>(p.epoch), static_cast<long long>(p.epochs));
      *last_tenth = -1;
      return;
    }
    const int64_t tenth = p.batch * 10 / std::max<int64_t>(1, p.batches);
    if (!tty && tenth == *last_tenth) return;
    *last_tenth = tenth;
    std::fprintf(stderr, "%sepoch %lld/%lld, batch %lld/%lld, loss %.4f, %.0f images/s, ETA %s%s",
                 tty ? "\r\033[K" : "", static_cast<long long>(p.epoch), static_cast<long long>(p.epochs),
                 static_cast<long long>(p.batch), static_cast<long long>(p.batches), p.loss, p.images_per_second,
                 report::format_duration(p.eta_seconds).c_str(), tty ? "" : "\n");
  };
}

std::function<void(const std::string&)> warnings(const std::string& prefix) {
  return [prefix](const std::string& message) { std::fprintf(stderr, "%s: %s\n", prefix.c_str(), message.c_str()); };
}

torch::Device parse_device(const std::string& name) {
  WAVETWIN_CHECK(name == "cpu" || name == "cuda", "--device ", name, "; expected cpu or cuda");
  WAVETWIN_CHECK(name == "cpu" || torch::cuda::is_available(), "--device cuda: no CUDA device, or wavetwin was ",
                 "built against a CPU-only libtorch; expected --device cpu");
  return name == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

namespace {

CLI::Validator sign_check(bool zero_allowed, const std::string& name) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        double value = 0;
        const bool ok = CLI::detail::lexical_cast(input, value) && (zero_allowed ? value >= 0 : value > 0);
        return ok ? std::string() : input + (zero_allowed ? "; expected a number >= 0" : "; expected a number > 0");
      },
      name);
}

}  // namespace

const CLI::Validator kPositive = sign_check(false, "POSITIVE");
const CLI::Validator kNonNegative = sign_check(true, "NONNEGATIVE");

}  // namespace wavetwin::cli
