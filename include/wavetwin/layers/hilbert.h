// wavetwin/layers/hilbert.h: the 2-D Hilbert transform of real kernels, W = V + i H(V) (P1 section 2;
// reference-system.md section 2, wcnn `cnn_toolbox.get_analytic_kernel`).
//
// W's spectrum is V's, weighted by a mask M over the DFT grid of size s = (s1, s2) (zero-padded at the bottom
// and right), then cropped back to the kernel's (h, w):
//   half-plane (default): M = 2 where <n, nu> > 0, 1 on the line <n, nu> = 0, 0 where <n, nu> < 0, so that
//     M(nu) + M(-nu) = 2 on the whole grid and Re W = V exactly (for s = (h, w));
//   closed half-plane (the reference): M = 2 where <n, nu> >= 0 (DC and the line counted twice);
//   quadrant (Havlicek's single-orthant signal): M = (1 + s_x sgn nu_x)(1 + s_y sgn nu_y), s = signs of n.
// nu = (fftfreq(s2)[j], -fftfreq(s1)[i]) is the frequency in the reference's frame (x = right, y = up), and n
// is the dominant gradient direction of the channel-averaged kernel from its structure tensor (valid Sobel
// filters), theta = (atan(2 Jxy / (Jyy - Jxx)) + pi [Jyy > Jxx]) / 2, n = (cos theta, sin theta), or a
// direction the caller gives.
#pragma once

#include <torch/types.h>

#include <array>
#include <optional>

namespace wavetwin::layers {

enum class AnalyticMask {
  kHalfPlane,        ///< weight 1 on the boundary line: Re W = V
  kClosedHalfPlane,  ///< the reference's: weight 2 on the boundary line and at DC
  kQuadrant,         ///< Havlicek's single-orthant analytic signal
};

/// An orientation n = (x, y), or none for the structure tensor's.
using Orientation = std::optional<std::array<double, 2>>;
/// A DFT size (s1, s2).
using FftSize = std::array<int64_t, 2>;

/// Example: `hilbert_kernels(v, HilbertOptions().mask(AnalyticMask::kQuadrant))`
struct HilbertOptions {
  /// Which spectral mask.
  TORCH_ARG(AnalyticMask, mask) = AnalyticMask::kHalfPlane;
  /// Orientation n = (x, y) for every kernel instead of the structure tensor's.
  TORCH_ARG(Orientation, orientation) = std::nullopt;
  /// DFT size (s1, s2) >= (h, w); (0, 0) means the kernel's size.
  TORCH_ARG(FftSize, fft_size) = FftSize{0, 0};
};

/// Structure-tensor orientation of each kernel: v (Cout, Cin, h, w) -> theta (Cout) in radians, and the
/// coherence (Cout) = sqrt((Jyy - Jxx)^2 + 4 Jxy^2) / (Jxx + Jyy). Needs h, w >= 3.
std::array<torch::Tensor, 2> structure_orientation(const torch::Tensor& v);

/// W = V + i H(V) for real kernels v (Cout, Cin, h, w): complex (Cout, Cin, h, w).
torch::Tensor hilbert_kernels(const torch::Tensor& v, const HilbertOptions& options = {});

/// The masked spectrum itself, (Cout, Cin, s1, s2) complex (the reference's fft=True).
torch::Tensor analytic_spectrum(const torch::Tensor& v, const HilbertOptions& options = {});

}  // namespace wavetwin::layers
