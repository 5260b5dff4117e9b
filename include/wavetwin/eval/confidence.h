// wavetwin/eval/confidence.h: how sure a score is: percentile bootstrap intervals over the evaluated images, the
// paired difference of two models scored on the same images, and McNemar's exact test for two error indicators.
//
// Every score of the protocols is a mean over images of a per-image value (an error indicator, a KL divergence,
// the fraction of an image's frame pairs whose prediction flips, an agreement indicator), so one resampling of
// the images serves them all, and resampling the same images for two models gives their paired difference.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace wavetwin::eval {

struct Interval {
  double low = std::numeric_limits<double>::quiet_NaN(), high = std::numeric_limits<double>::quiet_NaN();
  bool contains(double value) const { return low <= value && value <= high; }
};

struct BootstrapOptions {
  int64_t resamples = 1000;
  /// Confidence level of the intervals, in (0, 1).
  double level = 0.95;
  uint64_t seed = 0;
};

/// The means of `resamples` resamplings (with replacement) of the rows of `values` (N, M): (resamples, M),
/// float64. The draws depend only on the seed and N, so two tables of the same images are resampled alike.
torch::Tensor bootstrap_means(const torch::Tensor& values, const BootstrapOptions& options);

/// The percentile interval of samples (B): the (1 - level) / 2 and (1 + level) / 2 quantiles (linear
/// interpolation); NaN when a sample is NaN.
Interval percentile_interval(const torch::Tensor& samples, double level);

/// Per column of values (N, M), the percentile bootstrap interval of its mean.
std::vector<Interval> mean_intervals(const torch::Tensor& values, const BootstrapOptions& options);

/// The mean of a - b over the same images (a, b: (N)) with its paired bootstrap interval; `significant` when
/// the interval leaves out 0.
struct PairedDifference {
  double difference = 0;
  Interval interval;
  bool significant = false;
};
PairedDifference paired_difference(const torch::Tensor& a, const torch::Tensor& b, const BootstrapOptions& options);

/// McNemar's exact test of two classifiers on the same images: the two-sided binomial p-value of the discordant
/// pairs, `only_a` images wrong for A alone and `only_b` wrong for B alone (1 when there are none).
double mcnemar_exact_p(int64_t only_a, int64_t only_b);

struct McNemar {
  int64_t only_a = 0, only_b = 0;
  double p_value = 1;
};
/// McNemar's exact test from per-image error indicators (N) of A and B (nonzero: wrong).
McNemar mcnemar(const torch::Tensor& wrong_a, const torch::Tensor& wrong_b);

}  // namespace wavetwin::eval
