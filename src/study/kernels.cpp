// src/study/kernels.cpp: characteristic frequency, Gabor-likeness and predicted discrepancy of kernels.
#include "wavetwin/study/kernels.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/error.h"
#include "wavetwin/layers/hilbert.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::study {
namespace {

void check_kernels(const torch::Tensor& v, int64_t grid, const char* what) {
  WAVETWIN_CHECK(v.defined() && v.dim() == 4 && v.is_floating_point() && !v.is_complex(), "kernels of shape ",
                 v.defined() ? v.sizes() : torch::IntArrayRef{}, "; expected real (K, C, h, w)");
  WAVETWIN_CHECK(v.size(0) >= 1 && v.size(1) >= 1 && v.size(2) >= 3 && v.size(3) >= 3, "kernels of shape ", v.sizes(),
                 "; expected at least one kernel of at least 3x3");
  WAVETWIN_CHECK(grid >= v.size(2) && grid >= v.size(3), what, " ", grid, " is smaller than the kernels (",
                 v.size(2), "x", v.size(3), ")");
  WAVETWIN_CHECK(torch::isfinite(v).all().item<bool>(), "kernels contain NaN or infinity; expected finite values");
}

// Frequencies of the fftshifted S-point DFT, radians per sample, ascending.
torch::Tensor shifted_frequencies(int64_t s) {
  return (torch::arange(s, torch::kFloat64) - static_cast<double>(s / 2)) * (2 * M_PI / s);
}

}  // namespace

torch::Tensor kernel_spectra(const torch::Tensor& v, int64_t size) {
  check_kernels(v, size, "spectrum size");
  const torch::Tensor summed = v.to(torch::kFloat64).sum(1);
  return torch::fft::fftshift(torch::fft::fft2(summed, {{size, size}}), {{-2, -1}}).abs();
}

KernelMeasures analyse_kernels(const torch::Tensor& v, const KernelAnalysisOptions& options) {
  const int64_t m = options.m(), f = options.fft_size(), s = options.spectrum_size();
  WAVETWIN_CHECK(m >= 1 && f % (2 * m) == 0, "kernel analysis: fft_size ", f, " for m = ", m,
                 "; expected a multiple of 2m");
  check_kernels(v, f, "fft_size");
  check_kernels(v, s, "spectrum_size");
  const torch::Tensor k64 = v.to(torch::kFloat64).cpu();
  KernelMeasures out;

  auto [theta, coherence] = layers::structure_orientation(k64);
  out.orientation = theta;
  out.coherence = coherence;
  const torch::Tensor summed = k64.sum(1);  // (K, h, w)
  const torch::Tensor l1 = summed.abs().sum({1, 2});
  out.lowpass = torch::where(l1 > 0, summed.sum({1, 2}).abs() / l1, torch::zeros_like(l1));

  // Centroid in the plot frame: x = column frequency, y = minus row frequency.
  const torch::Tensor spectrum = kernel_spectra(k64, s).pow(options.power());  // (K, S, S)
  const torch::Tensor axis = shifted_frequencies(s);
  const torch::Tensor wx = axis.view({1, 1, s}).expand({1, s, s});
  const torch::Tensor wy = (-axis).view({1, s, 1}).expand({1, s, s});
  const torch::Tensor radius = torch::sqrt(wx.square() + wy.square());
  const torch::Tensor safe = torch::where(radius > 0, radius, torch::ones_like(radius));
  const torch::Tensor cosine = (torch::cos(theta).view({-1, 1, 1}) * wx + torch::sin(theta).view({-1, 1, 1}) * wy) /
                               safe;
  const torch::Tensor weight = torch::where(radius > 0, torch::relu(cosine).square(), torch::zeros_like(cosine)) *
                               spectrum;
  const torch::Tensor total = weight.sum({1, 2});
  const torch::Tensor denominator = torch::where(total > 0, total, torch::ones_like(total));
  torch::Tensor cx = (weight * wx).sum({1, 2}) / denominator;
  torch::Tensor cy = (weight * wy).sum({1, 2}) / denominator;
  const torch::Tensor flip = (cx < 0) | ((cx == 0) & (cy < 0));
  cx = torch::where(flip, -cx, cx);
  cy = torch::where(flip, -cy, cy);
  out.frequency = torch::stack({-cy, cx}, 1);

  // Gabor-likeness: the largest circular kappa x kappa window of the analytic power spectrum.
  const int64_t kappa = f / (2 * m);
  const torch::Tensor analytic = layers::analytic_spectrum(k64.mean(1, true), layers::HilbertOptions().fft_size({f, f}));
  const torch::Tensor power = analytic.abs().square();  // (K, 1, F, F)
  const torch::Tensor wrapped = power.repeat({1, 1, 2, 2}).narrow(2, 0, f + kappa - 1).narrow(3, 0, f + kappa - 1);
  const torch::Tensor windows = torch::avg_pool2d(wrapped, kappa, 1) * static_cast<double>(kappa * kappa);
  const torch::Tensor energy = power.sum({1, 2, 3});
  out.gabor_likeness = torch::where(energy > 0, windows.amax({1, 2, 3}) / energy, torch::zeros_like(energy));

  out.gamma2 = gamma_squared(out.frequency * static_cast<double>(m), options.q());
  return out;
}

}  // namespace wavetwin::study
