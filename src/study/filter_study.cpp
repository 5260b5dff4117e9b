// src/study/filter_study.cpp: the per-filter RMax/CMod discrepancy and shift-stability measures.
#include "wavetwin/study/filter_study.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "wavetwin/error.h"

namespace wavetwin::study {

namespace {

// Norms of one packet of one image pair from the interleaved stride-m maps (re, im) of X and (re2, im2) of X',
// each h x w: sums over the pooled grid (rows [b, ho - b), columns [b, wo - b)) of (max - mod)^2,
// (max' - max)^2, (mod' - mod)^2 and mod^2.
struct PacketSums {
  double discrepancy = 0, rmax_shift = 0, cmod_shift = 0, energy = 0;
};

inline float pooled_max(const float* re, int64_t h, int64_t w, int64_t r, int64_t c, int64_t q) {
  float best = -std::numeric_limits<float>::infinity();
  for (int64_t i = std::max<int64_t>(0, 2 * r - q); i <= std::min(h - 1, 2 * r + q); ++i) {
    const float* row = re + i * w;
    for (int64_t j = std::max<int64_t>(0, 2 * c - q); j <= std::min(w - 1, 2 * c + q); ++j) best = std::max(best, row[j]);
  }
  return best;
}

PacketSums packet_sums(const float* re, const float* im, const float* re2, const float* im2, int64_t h, int64_t w,
                       int64_t q, int64_t border) {
  const int64_t ho = (h + 1) / 2, wo = (w + 1) / 2;
  PacketSums s;
  for (int64_t r = border; r < ho - border; ++r) {
    for (int64_t c = border; c < wo - border; ++c) {
      const int64_t at = 2 * r * w + 2 * c;
      const double max0 = pooled_max(re, h, w, r, c, q), max1 = pooled_max(re2, h, w, r, c, q);
      // float squares cannot overflow a double: no need for hypot's care (a tenth of the study's time).
      const double mod0 = std::sqrt(static_cast<double>(re[at]) * re[at] + static_cast<double>(im[at]) * im[at]);
      const double mod1 = std::sqrt(static_cast<double>(re2[at]) * re2[at] + static_cast<double>(im2[at]) * im2[at]);
      s.discrepancy += (max0 - mod0) * (max0 - mod0);
      s.rmax_shift += (max1 - max0) * (max1 - max0);
      s.cmod_shift += (mod1 - mod0) * (mod1 - mod0);
      s.energy += mod0 * mod0;
    }
  }
  return s;
}

}  // namespace

FilterStudy::FilterStudy(const FilterStudyOptions& options) : options_(options) {
  WAVETWIN_CHECK(options.levels() >= 1 && options.levels() <= 5, "filter study: levels=", options.levels(),
                 "; expected 1 <= levels <= 5");
  WAVETWIN_CHECK(options.q() >= 1 && options.border() >= 0, "filter study: q=", options.q(), ", border=",
                 options.border(), "; expected q >= 1 and border >= 0");
  transform_ = wavelets::DtCwpt2d(
      wavelets::DtCwptOptions(options.levels()).stride(int64_t{1} << (options.levels() - 1)).complex(false));
  const size_t packets = size_t{2} << (2 * options.levels());
  measures_.discrepancy.assign(packets, 0.0);
  measures_.rmax_stability.assign(packets, 0.0);
  measures_.cmod_stability.assign(packets, 0.0);
}

void FilterStudy::add(const torch::Tensor& images) {
  const auto [dr, dc] = options_.shift();
  WAVETWIN_CHECK(images.dim() == 4 && images.size(1) == 1 && images.is_floating_point(), "filter study: images of shape ",
                 images.sizes(), "; expected grey float (N, 1, H, W)");
  const int64_t h = images.size(2) - std::abs(dr), w = images.size(3) - std::abs(dc);
  WAVETWIN_CHECK(h >= 1 && w >= 1, "filter study: images of ", images.size(2), "x", images.size(3),
                 " cannot hold two crops shifted by (", dr, ", ", dc, ")");
  torch::NoGradGuard no_grad;
  // X at one end of the shift, X' at the other: X'[i] = image[i + shift] when X[i] = image[i].
  const torch::Tensor x = images.narrow(2, std::max<int64_t>(0, -dr), h).narrow(3, std::max<int64_t>(0, -dc), w);
  const torch::Tensor xs = images.narrow(2, std::max<int64_t>(0, dr), h).narrow(3, std::max<int64_t>(0, dc), w);
  const torch::Tensor y = transform_(torch::cat({x, xs}).to(torch::kFloat32).cpu()).contiguous();
  const int64_t n = images.size(0), packets = y.size(1) / 2, yh = y.size(2), yw = y.size(3);
  const int64_t b = options_.border();
  WAVETWIN_CHECK((yh + 1) / 2 > 2 * b && (yw + 1) / 2 > 2 * b, "filter study: border ", b, " leaves nothing of ",
                 (yh + 1) / 2, "x", (yw + 1) / 2, " outputs");
  const torch::Tensor sums = torch::empty({4, n, packets}, torch::kFloat64);
  const float* data = y.data_ptr<float>();
  double* out = sums.data_ptr<double>();
  const int64_t plane = yh * yw;
  at::parallel_for(0, n * packets, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t k = lo; k < hi; ++k) {
      const int64_t i = k / packets, p = k % packets;
      const float* first = data + (i * 2 * packets + 2 * p) * plane;
      const float* second = data + ((i + n) * 2 * packets + 2 * p) * plane;
      const PacketSums s = packet_sums(first, first + plane, second, second + plane, yh, yw, options_.q(), b);
      out[k] = s.discrepancy, out[n * packets + k] = s.rmax_shift;
      out[2 * n * packets + k] = s.cmod_shift, out[3 * n * packets + k] = s.energy;
    }
  });
  // A packet with no response at all has nothing to compare: its ratios count as 0.
  const torch::Tensor energy = sums[3];
  const auto ratio = [&](const torch::Tensor& t) {
    return torch::where(energy > 0, t / torch::where(energy > 0, energy, torch::ones_like(energy)),
                        torch::zeros_like(t));
  };
  last_ = {ratio(sums[0]), ratio(sums[1]).sqrt(), ratio(sums[2]).sqrt()};
  const int64_t before = measures_.images, after = before + n;
  std::vector<double>* targets[3] = {&measures_.discrepancy, &measures_.rmax_stability, &measures_.cmod_stability};
  for (int k = 0; k < 3; ++k) {
    const torch::Tensor total = last_[k].sum(0).contiguous();
    const double* t = total.data_ptr<double>();
    for (size_t p = 0; p < targets[k]->size(); ++p) {
      (*targets[k])[p] = ((*targets[k])[p] * before + t[p]) / after;
    }
  }
  measures_.images = after;
}

}  // namespace wavetwin::study
