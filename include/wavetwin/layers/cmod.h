// wavetwin/layers/cmod.h: CMod, the modulus of a complex analytic convolution (P1 section 2;
// reference-system.md 3.1).
//
//   CMod_m[W](X) = |(X * W) subsampled by 2m|,
// with * the cross-correlation (no padding): the same output grid and size as RMax_m (layers/rmax.h). W is a
// complex kernel bank, or the DT-CWPT of depth J: its stride-m map (m = 2^(J-1)) decimated by 2 from index 0,
// as the reference's twin models do (reference-system.md 10, quirk 3), computed at stride 2m directly.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <optional>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {

/// Example: `CMod cmod(kernels, CModOptions(/*stride=*/2));` (total subsampling 4)
struct CModOptions {
  explicit CModOptions(int64_t stride) : stride_(stride) {}
  /// m: the convolution is subsampled by 2m.
  TORCH_ARG(int64_t, stride);
};

/// CMod of x: (N, Cin, H, W) with the complex kernels (Cout, Cin, kh, kw): (N, Cout, H', W').
torch::Tensor cmod(const torch::Tensor& x, const torch::Tensor& kernels, const CModOptions& options);

/// CMod's convolution stage with the DT-CWPT of depth J as W: X * Psi for every packet on `grid` (stride
/// 2m = grid.step; wavelets::dtcwpt2d_grid(h, w, stride-m options, 2) gives RMax's grid), computed at that
/// stride rather than decimated. Interleaved (Re, Im): (N, C * 4 * 4^J, rows, cols); modulus() of it is CMod.
/// The twin layer calls it directly, as its models mix the packets before the modulus.
torch::Tensor cmod_dtcwpt_maps(const torch::Tensor& x, const torch::Tensor& filters,
                               const wavelets::DtCwptOptions& wavelet, const wavelets::SampleGrid& grid);

/// CMod from the interleaved (Re, Im) output of the DT-CWPT at stride m (N, 2K, H, W): the modulus of its
/// samples at even indices, read in place. For callers that need RMax of the same transform too.
torch::Tensor cmod_from_dtcwpt(const torch::Tensor& interleaved);

class CModImpl : public torch::nn::Cloneable<CModImpl> {
 public:
  /// kernels: complex (Cout, Cin, kh, kw).
  CModImpl(torch::Tensor kernels, const CModOptions& options);
  /// The DT-CWPT of depth J at stride 2^(J-1), decimated by 2: (N, C * 2 * 4^J, H', W').
  explicit CModImpl(const wavelets::DtCwptOptions& wavelet);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);

  CModOptions options;
  torch::Tensor kernels;
  wavelets::DtCwpt2d transform{nullptr};

 private:
  torch::Tensor initial_kernels_;
  std::optional<wavelets::DtCwptOptions> wavelet_;
};
TORCH_MODULE(CMod);

}  // namespace wavetwin::layers
