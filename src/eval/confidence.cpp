// src/eval/confidence.cpp: bootstrap intervals, paired differences, McNemar's exact test.
#include "wavetwin/eval/confidence.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "wavetwin/error.h"

namespace wavetwin::eval {

namespace {

void check_options(const BootstrapOptions& options) {
  WAVETWIN_CHECK(options.resamples >= 1, "bootstrap: ", options.resamples, " resamples; expected >= 1");
  WAVETWIN_CHECK(options.level > 0 && options.level < 1, "bootstrap: confidence level ", options.level,
                 "; expected a fraction in (0, 1), such as 0.95");
}

}  // namespace

torch::Tensor bootstrap_means(const torch::Tensor& values, const BootstrapOptions& options) {
  check_options(options);
  WAVETWIN_CHECK(values.dim() == 2 && values.size(0) > 0, "bootstrap: values of shape ", values.sizes(),
                 "; expected (images, scores) with at least one image");
  const torch::Tensor v = values.to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t n = v.size(0);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  // Each resample as counts per image, so that its means are one product; in blocks, to bound the memory.
  const int64_t block = std::max<int64_t>(1, std::min<int64_t>(options.resamples, (int64_t{1} << 22) / n));
  std::vector<torch::Tensor> means;
  for (int64_t done = 0; done < options.resamples; done += block) {
    const int64_t b = std::min(block, options.resamples - done);
    const torch::Tensor draws = at::randint(n, {b, n}, generator, torch::kInt64);
    const torch::Tensor counts = torch::zeros({b, n}, torch::kFloat64).scatter_add_(1, draws, torch::ones({b, n}, torch::kFloat64));
    means.push_back(counts.mm(v) / static_cast<double>(n));
  }
  return torch::cat(means);
}

Interval percentile_interval(const torch::Tensor& samples, double level) {
  WAVETWIN_CHECK(samples.dim() == 1 && samples.numel() > 0, "percentile interval: samples of shape ", samples.sizes(),
                 "; expected (B), B > 0");
  WAVETWIN_CHECK(level > 0 && level < 1, "percentile interval: level ", level, "; expected a fraction in (0, 1)");
  const torch::Tensor s = samples.to(torch::kFloat64);
  if (s.isnan().any().item<bool>()) return {};
  const torch::Tensor q = torch::quantile(s, torch::tensor({(1 - level) / 2, (1 + level) / 2}, torch::kFloat64));
  return {q[0].item<double>(), q[1].item<double>()};
}

std::vector<Interval> mean_intervals(const torch::Tensor& values, const BootstrapOptions& options) {
  const torch::Tensor means = bootstrap_means(values, options);
  std::vector<Interval> intervals;
  for (int64_t m = 0; m < means.size(1); ++m) intervals.push_back(percentile_interval(means.select(1, m), options.level));
  return intervals;
}

PairedDifference paired_difference(const torch::Tensor& a, const torch::Tensor& b, const BootstrapOptions& options) {
  WAVETWIN_CHECK(a.dim() == 1 && a.sizes() == b.sizes() && a.numel() > 0, "paired difference: values of shapes ",
                 a.sizes(), " and ", b.sizes(), "; expected two (N) vectors over the same images, N > 0");
  const torch::Tensor d = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).unsqueeze(1);
  PairedDifference result;
  result.difference = d.mean().item<double>();
  result.interval = mean_intervals(d, options)[0];
  result.significant = !result.interval.contains(0.0) && !std::isnan(result.interval.low);
  return result;
}

double mcnemar_exact_p(int64_t only_a, int64_t only_b) {
  WAVETWIN_CHECK(only_a >= 0 && only_b >= 0, "McNemar: discordant counts ", only_a, " and ", only_b,
                 "; expected counts >= 0");
  const int64_t n = only_a + only_b, k = std::min(only_a, only_b);
  if (n == 0) return 1.0;
  // 2 P(X <= k), X ~ Binomial(n, 1/2), the terms summed in logs to stay finite for large n.
  const double log_half = -static_cast<double>(n) * std::log(2.0);
  const double log_n = std::lgamma(static_cast<double>(n) + 1);
  double tail = 0;
  for (int64_t i = 0; i <= k; ++i) {
    tail += std::exp(log_n - std::lgamma(static_cast<double>(i) + 1) - std::lgamma(static_cast<double>(n - i) + 1) +
                     log_half);
  }
  return std::min(1.0, 2 * tail);
}

McNemar mcnemar(const torch::Tensor& wrong_a, const torch::Tensor& wrong_b) {
  WAVETWIN_CHECK(wrong_a.dim() == 1 && wrong_a.sizes() == wrong_b.sizes(), "McNemar: error indicators of shapes ",
                 wrong_a.sizes(), " and ", wrong_b.sizes(), "; expected two (N) vectors over the same images");
  const torch::Tensor a = wrong_a.ne(0), b = wrong_b.ne(0);
  McNemar result;
  result.only_a = (a & ~b).sum().item<int64_t>();
  result.only_b = (b & ~a).sum().item<int64_t>();
  result.p_value = mcnemar_exact_p(result.only_a, result.only_b);
  return result;
}

}  // namespace wavetwin::eval
