// wavetwin/layers/rmax.h: RMax, the real convolution, subsampling and max pooling of a CNN first layer
// (P1 section 2; reference-system.md 3.1).
//
//   RMax_m[W](X) = MaxPool_q((X * Re W) subsampled by m),   MaxPool_q(Y)[n] = max_{||p||_inf <= q} Y[2n + p],
// with * the cross-correlation (torch::conv2d, no padding). The pooling is centred (padding q, -inf outside),
// so RMax and CMod (layers/cmod.h) outputs sit on the same grid and have the same size; q = 1 is the 3x3,
// stride-2 pooling of AlexNet and ResNet. W is a complex kernel bank, or the DT-CWPT of depth J, whose real
// packets are taken at stride m = 2^(J-1) (last stage a-trous, reference-system.md 1.4).
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <optional>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {

/// Example: `RMax rmax(kernels, RMaxOptions(/*stride=*/2));`
struct RMaxOptions {
  explicit RMaxOptions(int64_t stride) : stride_(stride) {}
  /// Subsampling m of the convolution before the pooling.
  TORCH_ARG(int64_t, stride);
  /// Pooling half-width q: a (2q+1)^2 window, stride 2.
  TORCH_ARG(int64_t, q) = 1;
};

/// MaxPool_q(Y)[n] = max_{||p||_inf <= q} Y[2n + p] (centred, padding q). y: (N, C, H, W) -> ceil(H/2), ceil(W/2).
/// Without a gradient to record, on the CPU, a separable loop; else torch::max_pool2d.
torch::Tensor max_pool_q(const torch::Tensor& y, int64_t q);

/// RMax of x: (N, Cin, H, W) with the complex kernels (Cout, Cin, kh, kw): (N, Cout, H', W').
torch::Tensor rmax(const torch::Tensor& x, const torch::Tensor& kernels, const RMaxOptions& options);

/// RMax's convolution stage with the DT-CWPT of depth J as W: the real parts X * Re Psi of every packet, on
/// `grid` (stride m = grid.step; wavelets::dtcwpt2d_grid gives the whole stride-m map), computed by the two
/// trees they need. (N, C * 2 * 4^J, rows, cols) in packet order; max_pool_q of it is RMax. The twin layer
/// calls it directly, as its models put BN and ReLU between this stage and the pooling.
torch::Tensor rmax_dtcwpt_maps(const torch::Tensor& x, const torch::Tensor& filters,
                               const wavelets::DtCwptOptions& wavelet, const wavelets::SampleGrid& grid);

/// RMax from the interleaved (Re, Im) output of the DT-CWPT at stride m (N, 2K, H, W): max_pool_q of its real
/// channels, read in place. For callers that need CMod of the same transform too (cmod_from_dtcwpt).
torch::Tensor rmax_from_dtcwpt(const torch::Tensor& interleaved, int64_t q = 1);

/// The complex kernel bank (or DT-CWPT) as a module.
class RMaxImpl : public torch::nn::Cloneable<RMaxImpl> {
 public:
  /// kernels: complex (Cout, Cin, kh, kw).
  RMaxImpl(torch::Tensor kernels, const RMaxOptions& options);
  /// The DT-CWPT of `wavelet.levels()` = J (its stride is set to m = 2^(J-1)): one output per complex packet,
  /// (N, C * 2 * 4^J, H', W'), in packet order.
  explicit RMaxImpl(const wavelets::DtCwptOptions& wavelet, int64_t q = 1);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);

  RMaxOptions options;
  torch::Tensor kernels;                   ///< buffer, when built from kernels
  wavelets::DtCwpt2d transform{nullptr};   ///< when built from a DT-CWPT configuration

 private:
  torch::Tensor initial_kernels_;
  std::optional<wavelets::DtCwptOptions> wavelet_;
};
TORCH_MODULE(RMax);

}  // namespace wavetwin::layers
