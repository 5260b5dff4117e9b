// wavetwin/runs/score.h: one evaluation score as a typed record (metric, split, direction, step, value), and
// look-ups over a run's scores.
//
// Scores are what `wavetwin eval` writes into the run store and what `wavetwin report` reads back: the
// accuracy of each protocol, the KL divergence per shift and the flip rate per step of each direction, the
// consistency, and the shift protocol's settings (pixel divisions, quirks) needed to draw its curves.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/data/transforms.h"

namespace wavetwin::runs {

/// The part of a dataset a score was computed on.
enum class Split { kTest, kVal };

enum class Metric {
  kOnecropTop1,   ///< one-crop top-1 error, %
  kOnecropTop5,   ///< one-crop top-5 error, %
  kTencropsTop1,  ///< ten-crops top-1 error, %
  kTencropsTop5,  ///< ten-crops top-5 error, %
  kKl,            ///< mean KL(p_0 || p_k) at shift step k (k = 0..pM, 1/p pixel each), per direction
  kFlipRate,      ///< flip rate (fraction) at step s (s = 1..S), per direction
  kConsistency,   ///< % of images whose top-1 agrees on two random shifts
  kKlPixelDivide,        ///< p of the KL frames
  kFlipRatePixelDivide,  ///< p of the flip-rate frames
  kReferenceQuirks,      ///< 1 when the shift windows were left unnormalised as in the reference, else 0
  kCircularKl,           ///< mean KL(p_0 || p_k) at circular shift k (k = 0..M pixels), per direction
  kCircularFlipRate,     ///< flip rate (fraction) at circular step s (s = 1..S), per direction
  kCircularConsistency,  ///< % of images whose top-1 agrees on two random circular shifts
};

/// "test", "val" <-> Split; parse_split throws wavetwin::Error naming `what` for another name.
std::string split_name(Split split);
Split parse_split(const std::string& name, const std::string& what = "split");

/// The metric's name in the run store and in exported JSON ("onecrop_top1", "kl", "flip_rate", ...).
std::string metric_name(Metric metric);
Metric parse_metric(const std::string& name);

struct Score {
  std::string checkpoint;  ///< the checkpoint file evaluated
  Split split = Split::kTest;
  Metric metric = Metric::kOnecropTop1;
  std::optional<data::ShiftDirection> direction;  ///< for the KL and flip-rate metrics
  std::optional<int64_t> step;                    ///< for KL (shift index k) and flip rates (step s)
  double value = 0;                               ///< NaN when it could not be computed (stored as NULL)
  /// Its bootstrap interval over the evaluated images (eval/confidence.h), when computed.
  std::optional<double> low{}, high{};
  /// The per-image values it is the mean of, for the dataset's images `images` (in the same order): what pairs
  /// two runs' scores on the same images. Empty for the settings and for scores recorded before version 2.
  std::vector<int32_t> images{};
  std::vector<double> per_image{};
};

/// The value of the score (split, metric, direction, step) among `scores`, if present.
std::optional<double> find_score(const std::vector<Score>& scores, Split split, Metric metric,
                                 std::optional<data::ShiftDirection> direction = std::nullopt,
                                 std::optional<int64_t> step = std::nullopt);

/// Per direction, the values of `metric` in the order of their steps (directions without scores left out).
std::map<data::ShiftDirection, std::vector<double>> score_series(const std::vector<Score>& scores, Split split,
                                                                 Metric metric);

}  // namespace wavetwin::runs
