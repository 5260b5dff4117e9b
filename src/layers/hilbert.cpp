// src/layers/hilbert.cpp: the 2-D Hilbert transform of kernels.
#include "wavetwin/layers/hilbert.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/error.h"

namespace wavetwin::layers {
namespace {

void check_kernels(const torch::Tensor& v, const char* where) {
  WAVETWIN_CHECK(v.dim() == 4 && !v.is_complex() && v.is_floating_point(), where, ": kernels of shape ", v.sizes(),
                 " and dtype ", v.scalar_type(), "; expected real (Cout, Cin, h, w)");
}

// x (columns) and y (up) frequencies of the DFT grid, in cycles per sample.
std::array<torch::Tensor, 2> grid_frequencies(int64_t s1, int64_t s2) {
  const torch::Tensor x = torch::fft::fftfreq(s2, torch::kFloat64).view({1, s2}).expand({s1, s2});
  const torch::Tensor y = -torch::fft::fftfreq(s1, torch::kFloat64).view({s1, 1}).expand({s1, s2});
  return {x, y};
}

// The (Cout, s1, s2) mask for orientations n = (nx, ny), each (Cout).
torch::Tensor mask(const torch::Tensor& nx, const torch::Tensor& ny, int64_t s1, int64_t s2, AnalyticMask kind) {
  const auto [fx, fy] = grid_frequencies(s1, s2);
  const auto per_kernel = [](const torch::Tensor& t) { return t.view({-1, 1, 1}); };
  const torch::Tensor d = per_kernel(nx) * fx + per_kernel(ny) * fy;
  if (kind == AnalyticMask::kClosedHalfPlane) return 2.0 * (d >= 0).to(torch::kFloat64);
  if (kind == AnalyticMask::kQuadrant) {
    const torch::Tensor sx = torch::where(per_kernel(nx) < 0, -1.0, 1.0);
    const torch::Tensor sy = torch::where(per_kernel(ny) < 0, -1.0, 1.0);
    return (1 + sx * torch::sign(fx)) * (1 + sy * torch::sign(fy));
  }
  // Pair every bin with its negative on the grid (Nyquist bins are their own negatives' aliases), so that
  // M(nu) + M(-nu) = 2 holds exactly: M = 1 + sign(d(nu) - d(-nu)).
  const torch::Tensor neg_rows = torch::remainder(-torch::arange(s1), s1);
  const torch::Tensor neg_cols = torch::remainder(-torch::arange(s2), s2);
  const torch::Tensor d_neg = d.index_select(1, neg_rows).index_select(2, neg_cols);
  return 1 + torch::sign(d - d_neg);
}

}  // namespace

std::array<torch::Tensor, 2> structure_orientation(const torch::Tensor& v) {
  check_kernels(v, "structure_orientation");
  WAVETWIN_CHECK(v.size(2) >= 3 && v.size(3) >= 3, "structure_orientation: kernels of size ", v.size(2), "x",
                 v.size(3), "; expected at least 3x3");
  const torch::Tensor mean = v.to(torch::kFloat64).mean(1, /*keepdim=*/true);  // (Cout, 1, h, w)
  const auto options = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor smooth = torch::tensor({1.0, 2.0, 1.0}, options);
  const torch::Tensor derive = torch::tensor({-1.0, 0.0, 1.0}, options);
  const auto separable = [&](const torch::Tensor& vertical, const torch::Tensor& horizontal) {
    return torch::conv2d(torch::conv2d(mean, vertical.view({1, 1, 3, 1})), horizontal.view({1, 1, 1, 3}));
  };
  const torch::Tensor gx = separable(smooth, derive), gy = separable(derive, smooth);
  const torch::Tensor jxx = gx.square().sum({1, 2, 3}), jyy = gy.square().sum({1, 2, 3});
  const torch::Tensor jxy = (gx * gy).sum({1, 2, 3});
  // The reference's atan (not atan2) convention; 0/0 (a flat kernel) gives theta = 0.
  const torch::Tensor ratio = torch::nan_to_num(2 * jxy / (jyy - jxx), 0.0);
  const torch::Tensor theta = 0.5 * (torch::atan(ratio) + M_PI * (jyy > jxx).to(torch::kFloat64));
  const torch::Tensor coherence =
      torch::nan_to_num(torch::sqrt((jyy - jxx).square() + 4 * jxy.square()) / (jxx + jyy), 0.0);
  return {theta, coherence};
}

torch::Tensor analytic_spectrum(const torch::Tensor& v, const HilbertOptions& options) {
  check_kernels(v, "hilbert_kernels");
  const int64_t h = v.size(2), w = v.size(3);
  const int64_t s1 = options.fft_size()[0] == 0 ? h : options.fft_size()[0];
  const int64_t s2 = options.fft_size()[1] == 0 ? w : options.fft_size()[1];
  WAVETWIN_CHECK(s1 >= h && s2 >= w, "hilbert_kernels: fft_size ", s1, "x", s2, "; expected at least the kernel size ",
                 h, "x", w);
  torch::Tensor nx, ny;
  if (options.orientation()) {
    const auto [x, y] = *options.orientation();
    WAVETWIN_CHECK(std::isfinite(x) && std::isfinite(y) && (x != 0 || y != 0), "hilbert_kernels: orientation (", x, ", ",
                   y, "); expected a finite non-zero vector");
    nx = torch::full({v.size(0)}, x, torch::kFloat64);
    ny = torch::full({v.size(0)}, y, torch::kFloat64);
  } else {
    const torch::Tensor theta = structure_orientation(v)[0];
    nx = torch::cos(theta);
    ny = torch::sin(theta);
  }
  const torch::Tensor m = mask(nx, ny, s1, s2, options.mask()).unsqueeze(1);  // (Cout, 1, s1, s2)
  return torch::fft::fft2(v.to(torch::kFloat64), {{s1, s2}}) * m;
}

torch::Tensor hilbert_kernels(const torch::Tensor& v, const HilbertOptions& options) {
  const torch::Tensor w = torch::fft::ifft2(analytic_spectrum(v, options));
  const torch::Tensor cropped = w.narrow(2, 0, v.size(2)).narrow(3, 0, v.size(3));
  return v.scalar_type() == torch::kFloat32 ? cropped.to(torch::kComplexFloat) : cropped;
}

}  // namespace wavetwin::layers
