// wavetwin/study/kernels.h: analysis of a bank of real kernels (a CNN's first layer): how Gabor-like each is,
// where its energy sits in the frequency plane, and the RMax/CMod discrepancy the theory predicts for it
// (P1 sections 3 and 6; reference-system.md 7.6).
//
// For kernels V (K, C, h, w):
// - characteristic frequency: the kernels summed over input channels, l1-normalised, |DFT|^p on an S x S grid
//   (S = spectrum_size); the centroid of the frequencies weighted by ReLU(<n, omega/|omega|>)^2 |V^|^p, with n
//   the structure tensor's gradient direction (layers/hilbert.h), i.e. the energy centroid of the half-plane n
//   points to; the sign is then chosen so that the column frequency is positive (or the row frequency
//   negative when the column frequency is 0: omega_y = -xi_row > 0). DC carries no direction and is left out
//   (the reference weights it with the direction (1, 1)). Returned as (xi_row, xi_col) in radians per sample.
// - Gabor-likeness for m: the analytic spectrum (layers::analytic_spectrum, FFT size F, channel mean), power
//   E = |W^|^2, and rho = the largest energy fraction in a circular kappa x kappa window, kappa = F / (2m)
//   bins (bandwidth pi / m): 1 for a kernel in P1's set J(theta, pi/m).
// - orientation and coherence of the structure tensor; low-pass indicator |sum V| / ||V||_1 (channel sum);
// - predicted discrepancy gamma_q(m xi)^2 at the characteristic frequency.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace wavetwin::study {

/// Example: `analyse_kernels(weight, KernelAnalysisOptions().m(2))`
struct KernelAnalysisOptions {
  /// Subsampling factor m of the layer (Gabor-likeness bandwidth pi / m, gamma_q(m xi)).
  TORCH_ARG(int64_t, m) = 4;
  /// Max-pooling half-width q of gamma_q.
  TORCH_ARG(int64_t, q) = 1;
  /// FFT size F of the Gabor-likeness; a multiple of 2m, at least the kernel size.
  TORCH_ARG(int64_t, fft_size) = 64;
  /// Spectrum grid S of the characteristic frequency, at least the kernel size (odd: DC at the centre).
  TORCH_ARG(int64_t, spectrum_size) = 65;
  /// Power p of the spectrum's modulus in the centroid weights.
  TORCH_ARG(double, power) = 2;
};

/// One entry per kernel, all float64 of shape (K) unless said.
struct KernelMeasures {
  torch::Tensor frequency;       ///< (K, 2): (xi_row, xi_col), radians per sample
  torch::Tensor orientation;     ///< structure-tensor gradient direction theta, radians (x right, y up)
  torch::Tensor coherence;       ///< in [0, 1]
  torch::Tensor lowpass;         ///< |sum V| / ||V||_1 in [0, 1]
  torch::Tensor gabor_likeness;  ///< rho in (0, 1]
  torch::Tensor gamma2;          ///< gamma_q(m xi)^2
};

/// Measures of kernels v: real (K, C, h, w) with h, w >= 3.
KernelMeasures analyse_kernels(const torch::Tensor& v, const KernelAnalysisOptions& options = {});

/// |DFT| of each kernel summed over input channels, on an S x S grid with DC at the centre (fftshift):
/// (K, S, S) float64, for mosaics.
torch::Tensor kernel_spectra(const torch::Tensor& v, int64_t size = 65);

}  // namespace wavetwin::study
