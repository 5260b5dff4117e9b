// wavetwin/demo/demo.h: the main job as one workflow: the ResNet-18 family (standard, RMax twin, CMod twin,
// blur-pooled, CMod twin with blur pooling, APS, CMod twin with APS) trained on the default data within a time budget, evaluated with
// every protocol and reported, then the theory map and the per-filter study on natural photographs. What
// `wavetwin demo` and `make demo` run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/eval/evaluate_run.h"
#include "wavetwin/report/runs_report.h"
#include "wavetwin/study/packet_study.h"
#include "wavetwin/study/theory_map.h"
#include "wavetwin/train/train_run.h"

namespace wavetwin::demo {

/// Where Debian's python3-skimage installs its sample images (some of them photographs).
inline constexpr const char* kSkimagePhotos = "/usr/lib/python3/dist-packages/skimage/data";

/// What the demo tells as it goes; every member may be left empty.
struct DemoObserver {
  /// A line about the demo itself (its plan, the step it starts).
  std::function<void(const std::string&)> say;
  std::function<void(const train::TrainRunStart&)> train_start;
  std::function<void(const train::Progress&)> train_progress;
  std::function<void(const std::string&)> warn;
  std::function<void(const train::TrainRunResult&)> trained;
  std::function<void(const eval::EvaluateRunResult&)> evaluation_start;
  std::function<void(const std::string&, int64_t, int64_t)> evaluation_progress;
  std::function<void(const eval::EvaluateRunResult&)> evaluated;
  std::function<void(const report::RunsReport&)> reported;
  std::function<void(const study::TheoryMap&)> theory;
  std::function<void(int64_t, int64_t)> study_progress;
  std::function<void(const study::PacketStudy&)> studied;
};

/// Example: `run_demo({.budget_minutes = 15, .out = "demo"})`
struct DemoOptions {
  /// fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH.
  std::string data = "fashion-mnist";
  /// Minutes for the whole demo on this machine; the training images and the evaluated images are sized to it.
  double budget_minutes = 15;
  int64_t epochs = 2;
  /// Folder of natural photographs for the per-filter study (python3-skimage's photographs by default).
  std::string photos = kSkimagePhotos;
  /// Output folder: runs/, report/, theory/, study/.
  std::string out = "demo";
  std::string cache;
  /// Compute threads (0: the process's setting).
  int64_t threads = 0;
  /// Continue an interrupted demo in `out`: finished runs are kept, and so are their evaluations.
  bool resume = false;
  DemoObserver observer;
};

struct DemoResult {
  int64_t train_images = 0, test_images = 0, epochs = 0;
  int64_t eval_images = 0, shift_images = 0;  ///< 0 when a resumed demo kept every evaluation
  std::vector<train::TrainRunResult> trained;  ///< the runs trained by this call (not those kept)
  std::vector<eval::EvaluateRunResult> evaluated;
  report::RunsReport report;
  study::TheoryMap theory;
  std::optional<study::PacketStudy> study;  ///< none without photographs
  double seconds = 0;
};

DemoResult run_demo(const DemoOptions& options);

}  // namespace wavetwin::demo
