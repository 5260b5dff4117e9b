// wavetwin/eval/comparison.h: recorded scores image by image, and two evaluations compared on the images both
// scored: the paired difference of a score with its bootstrap interval, McNemar's exact test for errors, and the
// interval of the normalised mFR.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "wavetwin/data/transforms.h"
#include "wavetwin/eval/confidence.h"
#include "wavetwin/eval/shift_metrics.h"
#include "wavetwin/runs/score.h"

namespace wavetwin::eval {

/// The per-image values of one metric's scores: the dataset indices (N), and float64 (N, M) for its M scores
/// (directions and steps, in the scores' order; KL without its shift 0, always 0), with their directions.
struct ImageValues {
  std::vector<int32_t> images;
  torch::Tensor values;
  std::vector<std::optional<data::ShiftDirection>> directions;
  bool empty() const { return images.empty(); }
};

/// The values of (split, metric) among `scores`; empty when none carries per-image values (recorded before
/// they were, or a setting). Throws wavetwin::Error when the scores were computed on different images.
ImageValues image_values(const std::vector<runs::Score>& scores, runs::Split split, runs::Metric metric);

/// The recorded interval of (split, metric, direction, step) among `scores`; NaN where none was computed.
Interval recorded_interval(const std::vector<runs::Score>& scores, runs::Split split, runs::Metric metric,
                           std::optional<data::ShiftDirection> direction = std::nullopt,
                           std::optional<int64_t> step = std::nullopt);

/// Whether the metric is an error rate (one-crop and ten-crops top-1 / top-5), compared with McNemar's test.
bool is_error_metric(runs::Metric metric);

/// Two evaluations of one metric on the images both scored: a and b are their means there (over the images and
/// the metric's directions and steps), difference a - b with its paired bootstrap interval; for errors,
/// McNemar's exact test on the top-1 / top-5 indicators. `significant`: for errors, McNemar's p below
/// 1 - level; otherwise the interval leaves out 0.
struct ScoreComparison {
  int64_t images = 0;
  double a = 0, b = 0;
  PairedDifference difference;
  std::optional<McNemar> mcnemar;
  bool significant = false;
};

/// std::nullopt when either lacks per-image values of the metric or they share no image.
std::optional<ScoreComparison> compare_scores(const std::vector<runs::Score>& a, const std::vector<runs::Score>& b,
                                              runs::Split split, runs::Metric metric, const BootstrapOptions& options);

/// The bootstrap interval of normalized_mfr(model, reference) from their per-image flip rates (image_values of
/// kFlipRate): resampled together on the common images when both were scored on the same images, otherwise the
/// model alone against the reference's recorded rates. NaN when the model has no per-image values.
Interval mfr_interval(const ImageValues& model, const ImageValues& reference, const DirectionalFlipRates& reference_rates,
                      const BootstrapOptions& options);

}  // namespace wavetwin::eval
