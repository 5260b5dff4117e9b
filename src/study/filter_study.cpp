// src/study/filter_study.cpp: the per-filter RMax/CMod discrepancy and shift-stability measures.
#include "wavetwin/study/filter_study.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "wavetwin/error.h"
#include "wavetwin/layers/cmod.h"
#include "wavetwin/layers/rmax.h"

namespace wavetwin::study {

namespace {

// The squared norms behind the three measures, per image i and packet p, in float64 over the pooled grid less
// `border` on every side, in one pass: (max0 - mod0), (max1 - max0), (mod1 - mod0) and mod0, from the RMax
// and CMod maps (2N, P, h, w) of the pair (X first, X' after). Returns (4, N, P).
torch::Tensor squared_norms(const torch::Tensor& y_max, const torch::Tensor& y_mod, int64_t border) {
  const torch::Tensor a = y_max.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor m = y_mod.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t n = a.size(0) / 2, packets = a.size(1), h = a.size(2), w = a.size(3), plane = h * w;
  torch::Tensor sums = torch::empty({4, n, packets}, torch::kFloat64);
  const float* max_data = a.data_ptr<float>();
  const float* mod_data = m.data_ptr<float>();
  double* out = sums.data_ptr<double>();
  at::parallel_for(0, n * packets, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float *max0 = max_data + k * plane, *max1 = max_data + (n * packets + k) * plane;
      const float *mod0 = mod_data + k * plane, *mod1 = mod_data + (n * packets + k) * plane;
      double discrepancy = 0, rmax_shift = 0, cmod_shift = 0, energy = 0;
      for (int64_t r = border; r < h - border; ++r) {
        for (int64_t c = r * w + border; c < r * w + w - border; ++c) {
          const double x0 = max0[c], x1 = max1[c], z0 = mod0[c], z1 = mod1[c];
          discrepancy += (x0 - z0) * (x0 - z0);
          rmax_shift += (x1 - x0) * (x1 - x0);
          cmod_shift += (z1 - z0) * (z1 - z0);
          energy += z0 * z0;
        }
      }
      out[k] = discrepancy, out[n * packets + k] = rmax_shift;
      out[2 * n * packets + k] = cmod_shift, out[3 * n * packets + k] = energy;
    }
  });
  return sums;
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
  const torch::Tensor pair = torch::cat({x, xs}).to(torch::kFloat32);
  const int64_t n = images.size(0), b = options_.border();
  const torch::Tensor y = transform_(pair);
  const torch::Tensor y_max = layers::rmax_from_dtcwpt(y, options_.q()), y_mod = layers::cmod_from_dtcwpt(y);
  WAVETWIN_CHECK(y_max.size(2) > 2 * b && y_max.size(3) > 2 * b, "filter study: border ", b, " leaves nothing of ",
                 y_max.size(2), "x", y_max.size(3), " outputs");
  const torch::Tensor sums = squared_norms(y_max, y_mod, b);
  const torch::Tensor energy = sums[3];
  // A packet with no response at all has nothing to compare: its ratios count as 0.
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
