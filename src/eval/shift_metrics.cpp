// src/eval/shift_metrics.cpp: flip rates, normalised mFR, KL per shift, random-shift consistency.
#include "wavetwin/eval/shift_metrics.h"

#include <torch/torch.h>

#include <numeric>

#include "wavetwin/error.h"

namespace wavetwin::eval {

namespace {

int64_t check_predictions(const torch::Tensor& predictions, int64_t max_step) {
  WAVETWIN_CHECK(predictions.dim() == 2 && !predictions.is_floating_point(), "flip_rates: predictions of shape ",
                 predictions.sizes(), " (", predictions.scalar_type(), "); expected (N, K) class indices");
  const int64_t frames = predictions.size(1);
  WAVETWIN_CHECK(max_step >= 1 && max_step < frames, "flip_rates: max step ", max_step, " for ", frames,
                 " frames; expected 1 <= max step < frames");
  return frames;
}

}  // namespace

std::vector<double> flip_rates(const torch::Tensor& predictions, int64_t max_step) {
  const int64_t frames = check_predictions(predictions, max_step);
  std::vector<double> rates;
  for (int64_t s = 1; s <= max_step; ++s) {
    const torch::Tensor differ = predictions.narrow(1, 0, frames - s).ne(predictions.narrow(1, s, frames - s));
    rates.push_back(differ.to(torch::kFloat64).mean().item<double>());
  }
  return rates;
}

torch::Tensor image_flip_rates(const torch::Tensor& predictions, int64_t max_step) {
  const int64_t frames = check_predictions(predictions, max_step);
  std::vector<torch::Tensor> rates;
  for (int64_t s = 1; s <= max_step; ++s) {
    const torch::Tensor differ = predictions.narrow(1, 0, frames - s).ne(predictions.narrow(1, s, frames - s));
    rates.push_back(differ.to(torch::kFloat64).mean(1));
  }
  return torch::stack(rates, 1);
}

double normalized_mfr(const DirectionalFlipRates& model, const DirectionalFlipRates& reference) {
  WAVETWIN_CHECK(!model.empty() && model.size() == reference.size(), "normalized_mfr: ", model.size(),
                 " directions against ", reference.size(), " in the reference; expected the same directions");
  const auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  double total = 0;
  for (const auto& [direction, rates] : model) {
    const auto it = reference.find(direction);
    WAVETWIN_CHECK(it != reference.end(), "normalized_mfr: direction ", direction, " missing from the reference");
    WAVETWIN_CHECK(!rates.empty() && rates.size() == it->second.size(), "normalized_mfr: ", rates.size(),
                   " steps for ", direction, " against ", it->second.size(), " in the reference; expected the same");
    const double denominator = mean(it->second);
    WAVETWIN_CHECK(denominator > 0, "normalized_mfr: the reference never flips (", direction, "); expected a mean > 0");
    total += mean(rates) / denominator;
  }
  return 100.0 * total / static_cast<double>(model.size());
}

torch::Tensor image_kl(const torch::Tensor& logits) {
  WAVETWIN_CHECK(logits.dim() == 3 && logits.is_floating_point(), "kl_per_shift: logits of shape ", logits.sizes(),
                 "; expected (N, K, C) floats");
  const torch::Tensor log_p = torch::log_softmax(logits.to(torch::kFloat64), 2);
  const torch::Tensor log_p0 = log_p.narrow(1, 0, 1);
  return (log_p0.exp() * (log_p0 - log_p)).sum(2);
}

std::vector<double> kl_per_shift(const torch::Tensor& logits) {
  const torch::Tensor kl = image_kl(logits).mean(0).contiguous();  // (K)
  return std::vector<double>(kl.data_ptr<double>(), kl.data_ptr<double>() + kl.numel());
}

double consistency(const torch::Tensor& a, const torch::Tensor& b) {
  WAVETWIN_CHECK(a.dim() == 1 && a.sizes() == b.sizes() && a.numel() > 0, "consistency: predictions of shapes ",
                 a.sizes(), " and ", b.sizes(), "; expected two (N) vectors, N > 0");
  return 100.0 * a.eq(b).to(torch::kFloat64).mean().item<double>();
}

}  // namespace wavetwin::eval
