// src/study/filter_study.cpp: the per-filter RMax/CMod discrepancy and shift-stability measures.
#include "wavetwin/study/filter_study.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::study {

FilterStudy::FilterStudy(const FilterStudyOptions& options) : options_(options) {
  WAVETWIN_CHECK(options.levels() >= 1 && options.levels() <= 5, "filter study: levels=", options.levels(),
                 "; expected 1 <= levels <= 5");
  WAVETWIN_CHECK(options.q() >= 1 && options.border() >= 0, "filter study: q=", options.q(), ", border=",
                 options.border(), "; expected q >= 1 and border >= 0");
  rmax_ = layers::RMax(wavelets::DtCwptOptions(options.levels()), options.q());
  cmod_ = layers::CMod(wavelets::DtCwptOptions(options.levels()));
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
  const torch::Tensor both = torch::cat({x, xs}).to(torch::kFloat32);
  torch::Tensor y_max = rmax_(both), y_mod = cmod_(both);
  const int64_t b = options_.border();
  WAVETWIN_CHECK(y_mod.size(2) > 2 * b && y_mod.size(3) > 2 * b, "filter study: border ", b, " leaves nothing of ",
                 y_mod.size(2), "x", y_mod.size(3), " outputs");
  y_max = y_max.narrow(2, b, y_max.size(2) - 2 * b).narrow(3, b, y_max.size(3) - 2 * b).to(torch::kFloat64);
  y_mod = y_mod.narrow(2, b, y_mod.size(2) - 2 * b).narrow(3, b, y_mod.size(3) - 2 * b).to(torch::kFloat64);
  const int64_t n = images.size(0);
  const auto norm = [](const torch::Tensor& t) { return t.square().sum({2, 3}).sqrt(); };
  const torch::Tensor max0 = y_max.narrow(0, 0, n), max1 = y_max.narrow(0, n, n);
  const torch::Tensor mod0 = y_mod.narrow(0, 0, n), mod1 = y_mod.narrow(0, n, n);
  // A packet with no response at all has nothing to compare: its ratios count as 0.
  const torch::Tensor scale = norm(mod0);
  const auto ratio = [&](const torch::Tensor& t) { return torch::where(scale > 0, t / scale, torch::zeros_like(t)); };
  last_ = {ratio(norm(max0 - mod0)).square(), ratio(norm(max1 - max0)), ratio(norm(mod1 - mod0))};
  const int64_t before = measures_.images, after = before + n;
  std::vector<double>* targets[3] = {&measures_.discrepancy, &measures_.rmax_stability, &measures_.cmod_stability};
  for (int k = 0; k < 3; ++k) {
    const torch::Tensor sums = last_[k].sum(0).contiguous();
    const double* s = sums.data_ptr<double>();
    for (size_t p = 0; p < targets[k]->size(); ++p) {
      (*targets[k])[p] = ((*targets[k])[p] * before + s[p]) / after;
    }
  }
  measures_.images = after;
}

}  // namespace wavetwin::study
