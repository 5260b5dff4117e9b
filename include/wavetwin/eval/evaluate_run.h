// wavetwin/eval/evaluate_run.h: the evaluation workflow: a run's checkpoint (or a checkpoint file) scored with
// any of the papers' protocols, the scores recorded with the run.
//
// Protocols (reference-system.md 7, peers.md 7): one-crop and ten-crops top-1 / top-5 errors; shifts, the
// papers' two passes over the shifted windows, KL divergence per half-pixel shift (p = 2) and flip rates per
// one-pixel step (p = 1); random-shift consistency; the same under circular shifts (circular). What
// `wavetwin eval` runs.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/data/transforms.h"
#include "wavetwin/eval/accuracy.h"
#include "wavetwin/eval/audit.h"
#include "wavetwin/eval/confidence.h"
#include "wavetwin/runs/run_store.h"
#include "wavetwin/runs/score.h"

namespace wavetwin::eval {

struct EvaluateRunResult;

/// Example: `evaluate_run({.target = "R18wyC_mod-cifar10", .protocols = {Protocol::kShifts}})`
struct EvaluateRunOptions {
  /// A run name in `store`, or a checkpoint file (then `model` is needed unless the file is a run's).
  std::string target;
  /// Which checkpoint of a run: "best", "last" or "epoch-N".
  std::string checkpoint = "best";
  /// Model spec for a checkpoint outside the store; replaces the run's otherwise.
  std::optional<std::string> model;
  /// Dataset spec; nullopt: the run's.
  std::optional<std::string> data;
  runs::Split split = runs::Split::kTest;
  std::string store = "runs/wavetwin.db";
  std::string cache;
  std::vector<Protocol> protocols = all_protocols();
  std::vector<data::ShiftDirection> directions = {data::ShiftDirection::kVertical, data::ShiftDirection::kHorizontal,
                                                  data::ShiftDirection::kDiagonal};
  /// Input size; nullopt: the run's recipe's (for a checkpoint file alone: 224 for folder: data, else 32).
  std::optional<int64_t> size;
  /// Validation images held out per class (for split kVal); nullopt: the run's.
  std::optional<int64_t> holdout;
  /// Shorter side before the crops; 0: the protocols' defaults (eval/accuracy.h).
  int64_t onecrop_resize = 0, tencrops_resize = 0;
  /// Shifts and circular shifts: largest shift M in pixels; flip rates for steps 1..max_step (0: the reference's
  /// default).
  int64_t max_shift = 8, max_step = 0;
  /// Shifts: frames 1/p pixel apart for both KL and flip rates; nullopt: the papers' (KL p = 2, flip rates p = 1).
  std::optional<int64_t> pixel_divide;
  /// Evaluate this many images, evenly spaced (nullopt: all); shifts on `shift_limit` (nullopt: `limit`).
  std::optional<int64_t> limit, shift_limit;
  int64_t batch = 256;
  /// Consistency (crop-based and circular): seed of the random shifts.
  uint64_t seed = 0;
  /// The interval of every score: percentile bootstrap over the evaluated images (resamples 0: none). The
  /// resamples depend on the seed and the images alone, so every run evaluated on the same images is resampled
  /// alike.
  BootstrapOptions bootstrap;
  /// Shifts: leave the windows unnormalised, as the reference.
  bool reference_quirks = false;
  bool strict = false;
  torch::Device device = torch::kCPU;
  /// Evaluation shared with other processes (dist::evaluation_shard): every one gets the same scores; only
  /// the one of rank 0 records them.
  Shard shard;

  /// Called with the header fields of the result (checkpoint, spec, epoch, dataset, images, size) before the
  /// first protocol runs.
  std::function<void(const EvaluateRunResult&)> on_start;
  /// Progress of each pass: (label, images done, total).
  std::function<void(const std::string&, int64_t, int64_t)> progress;
};

struct EvaluateRunResult {
  std::optional<runs::RunRecord> run;  ///< the run the checkpoint belongs to, if any
  std::string checkpoint, spec, dataset;
  runs::Split split = runs::Split::kTest;
  int64_t epoch = 0, images = 0, size = 0;
  bool evenly_spaced = false;  ///< a subset of the split was evaluated
  std::optional<TopK> onecrop, tencrops;
  int64_t kl_pixel_divide = 0, flip_rate_pixel_divide = 0;
  std::vector<ShiftSummary> shifts;
  std::optional<double> consistency;
  std::vector<ShiftSummary> circular_shifts;  ///< circular shifts: means per direction (p = 1)
  std::optional<double> circular_consistency;
  /// Every score, as recorded: with its per-image values and, unless bootstrap.resamples is 0, its interval.
  std::vector<runs::Score> scores;
  std::vector<data::LoadFailure> failures;  ///< image evaluations skipped (undecodable)
  double confidence_level = 0;              ///< of the scores' intervals; 0: none computed
  bool recorded = false;                    ///< scores written into the run store (by rank 0 of a shard)
  std::string store;                        ///< that run store
};

/// Sets the interval of every score that carries per-image values: the scores computed on the same images are
/// resampled together (eval/confidence.h).
void attach_intervals(std::vector<runs::Score>& scores, const BootstrapOptions& options);

/// Evaluates the target with the chosen protocols and records the scores with its run (replacing earlier
/// scores of the same checkpoint). Throws wavetwin::Error naming the run, checkpoint, split or option at fault.
EvaluateRunResult evaluate_run(const EvaluateRunOptions& options);

}  // namespace wavetwin::eval
