// wavetwin/report/results.h: runs side by side with the papers: the table of Tables I / II of the second paper
// (one-crop and ten-crop top-1 / top-5 errors, normalised mFR) and the figures of a report (training curves,
// KL divergence against shift, flip rate against step).
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "wavetwin/eval/confidence.h"
#include "wavetwin/report/plot.h"
#include "wavetwin/report/table.h"

namespace wavetwin::report {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// One row of the results table; NaN where a score is missing.
struct ResultRow {
  std::string model;   ///< run name, or the paper's model name
  std::string source;  ///< "wavetwin: SPEC" for a run, "paper" for the papers' rows
  double onecrop_top1 = kMissing, onecrop_top5 = kMissing;
  double tencrops_top1 = kMissing, tencrops_top5 = kMissing;
  double mfr = kMissing;          ///< normalised to the reference run (100)
  double consistency = kMissing;  ///< Zhang's, % agreeing
  /// Under circular shifts: the mean flip rate (%, over directions and steps) and the consistency (%).
  double circular_flip_rate = kMissing, circular_consistency = kMissing;
  /// The bootstrap intervals of these scores, in the same units (NaN where there is none: the papers' rows, runs
  /// evaluated without intervals).
  eval::Interval onecrop_top1_interval{}, onecrop_top5_interval{}, tencrops_top1_interval{},
      tencrops_top5_interval{}, mfr_interval{}, consistency_interval{}, circular_flip_rate_interval{},
      circular_consistency_interval{};
};

/// The papers' rows for "imagenet" or "cifar10" (from reference-scores.json, committed as data). Throws
/// wavetwin::Error for another name.
std::vector<ResultRow> paper_rows(const std::string& paper);

/// The table in the papers' layout (errors in %, two decimals; "-" where missing), then the circular-shift
/// columns; "value [low, high]" where the score has an interval.
Table results_table(const std::vector<ResultRow>& rows);

/// "12.34 [11.02, 13.71]" ("12.34" without an interval, "-" when the value is missing).
std::string interval_cell(double value, const eval::Interval& interval);

/// What a run contributes to the figures.
struct RunCurves {
  std::string name;
  std::vector<double> epochs, train_loss, val_top1;  ///< per epoch (val_top1 NaN when not validated)
  /// Per direction: KL(p_0 || p_k) against the shift in pixels.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> kl;
  /// Per direction: flip rate (%) against the step.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> flip_rate;
  /// Their intervals (the bands of the figures), per direction: low and high at each point; empty without.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> kl_band, flip_rate_band;
};

/// Training loss and validation top-1 error per epoch, one curve per run (the poster's Fig. 11); a panel only
/// for what some run has (no panel at all before any run has finished an epoch).
Figure training_figure(const std::vector<RunCurves>& runs);
/// KL divergence against shift, one panel per direction, one curve per run.
Figure kl_figure(const std::vector<RunCurves>& runs);
/// Flip rate against step, one panel per direction, one curve per run.
Figure flip_rate_figure(const std::vector<RunCurves>& runs);

}  // namespace wavetwin::report
