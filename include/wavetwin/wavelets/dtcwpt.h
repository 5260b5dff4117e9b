// wavetwin/wavelets/dtcwpt.h: the dual-tree complex wavelet packet transform (DT-CWPT), 2-D and 1-D,
// forward and inverse, as functions and as torch::nn modules.
//
// 2-D (reference-system.md section 1; P2 section II): the input channel x, padded, goes through four
// separable real packet trees D_{tv,th} of depth J (tv = tree along rows, th = along columns; 12-tap
// first stage, Bayram-Selesnick succession, strides 2 then a-trous stages), every stage a cross-correlation
//     y[i] = sum_k f[k] x[s i + d k].
// They recombine into 2 * 4^J complex packets per channel,
//     Psi_a = (D11 - D22) + i (D21 + D12),   Psi_b = (D11 + D22) + i (D21 - D12),
// with Im negated for the packets flagged by packet.h's conjugated_2d (make_analytic). Output layout
// (N, C * 4 * 4^J, H', W'), channel c * 4 * 4^J + 2 P + (0 = Re, 1 = Im), P = tree * 4^J + code; or complex
// (N, C * 2 * 4^J, H', W') with channel c * 2 * 4^J + P.
// 1-D: psi = D1 + i D2 (D_t the packet tree t along the line), 2^J packets per channel, Im negated where
// conjugated_1d says; layout (N, C * 2 * 2^J, L'), channel c * 2 * 2^J + 2 path + (Re/Im).
// Real parts only (`real_only`, what RMax reads): Re Psi_a = D11 - D22 and Re Psi_b = D11 + D22 need two of
// the four trees, so they cost about half; layout (N, C * 2 * 4^J, H', W'), channel c * 2 * 4^J + P (1-D:
// D1, (N, C * 2^J, L')).
//
// Inverse (fully decimated, stride 2^J): with periodic boundaries each tree is an orthonormal packet basis
// and the four trees a tight frame (T* T = 8 I in 2-D, 2 I in 1-D), as with zero padding wide enough to keep
// every coefficient that overlaps the input (`full`); the inverse is then T* / 8 (T* / 2). The real parts
// alone are then invertible too (T* T = 4 I in 2-D, I in 1-D). The reference's own padding P drops border
// coefficients and is not invertible.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <array>
#include <string>

namespace wavetwin::wavelets {

/// How the input is extended before the (valid) filtering.
enum class Padding {
  kZeros,      ///< zeros; P on every side as the reference (or `full` support)
  kSymmetric,  ///< half-sample symmetric extension by P
  kPeriodic,   ///< periodic: output ceil(n / stride) per axis, aligned like the reference
  kNone,       ///< no padding: valid filtering only
};

/// Parses "zeros", "symmetric", "periodic" or "none".
Padding parse_padding(const std::string& name);
std::string padding_name(Padding padding);

/// Options of DtCwpt2d and DtCwpt1d (and of the functional forms).
/// Example: `DtCwpt2d xfm(DtCwptOptions(/*levels=*/3).stride(4));`
struct DtCwptOptions {
  explicit DtCwptOptions(int64_t levels) : levels_(levels) {}
  /// Depth J >= 1 of the full packet tree (2 * 4^J complex packets per channel in 2-D, 2^J in 1-D).
  TORCH_ARG(int64_t, levels);
  /// Overall stride S, a power of two <= 2^J; 0 means 2^J (fully decimated). S = 2^(J-1) is RMax's.
  TORCH_ARG(int64_t, stride) = 0;
  /// Q-shift bank, a name of filter_bank.h.
  TORCH_ARG(std::string, filters) = "qshift_a";
  /// Boundary extension.
  TORCH_ARG(Padding, padding) = Padding::kZeros;
  /// With zeros: pad enough to keep every coefficient whose support overlaps the input (invertible).
  TORCH_ARG(bool, full) = false;
  /// Expected number of input channels C.
  TORCH_ARG(int64_t, in_channels) = 1;
  /// Complex output instead of interleaved Re/Im channels.
  TORCH_ARG(bool, complex) = false;
  /// Only the real parts of the packets (one channel per packet), at about half the cost; not with complex.
  TORCH_ARG(bool, real_only) = false;
  /// Module only: register the filters as a trainable parameter instead of a buffer.
  TORCH_ARG(bool, trainable_filters) = false;
};

/// Padding (before, after) along one axis of n samples.
struct AxisPadding {
  int64_t before = 0;
  int64_t after = 0;
};

/// The padding `options` applies to an axis of n samples.
AxisPadding dtcwpt_padding(int64_t n, const DtCwptOptions& options);

/// Output length along an axis of n samples (throws when the input is too short).
int64_t dtcwpt_output_length(int64_t n, const DtCwptOptions& options);

/// The reference's zero padding P (reference-system.md 1.4): 14 for (J, S) = (2, 2), 34 for (3, 4), (3, 2).
int64_t reference_padding(int64_t levels, int64_t stride, int64_t taps);

/// The dual-tree filters H1, H2, G1, G2 of bank `name` as a (4, L) tensor.
torch::Tensor dual_tree_filter_tensor(const std::string& name, torch::Dtype dtype = torch::kFloat64);

/// 2-D forward transform. x: (N, C, H, W) float32 or float64; filters: (4, L) as dual_tree_filter_tensor.
/// Differentiable with respect to x (adjoint backward) and, when filters require grad, to the filters.
torch::Tensor dtcwpt2d(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options);

/// Output samples of a 2-D transform: (origin_row + step i, origin_col + step j) of the input as the
/// transform extends it (its padding), 0 <= i < rows, 0 <= j < cols.
struct SampleGrid {
  int64_t origin_row = 0, origin_col = 0;
  int64_t step = 1;
  int64_t rows = 0, cols = 0;
};

/// The samples of dtcwpt2d's output for an (height, width) input, every `decimation`-th from index 0 in both
/// directions (1: the whole output).
SampleGrid dtcwpt2d_grid(int64_t height, int64_t width, const DtCwptOptions& options, int64_t decimation = 1);

/// The transform `options` describe, computed on `grid` alone: the transform at stride grid.step (a power of
/// two <= 2^J) on exactly the span of the extended input that the grid's samples read. Layout as dtcwpt2d,
/// (N, ..., rows, cols); on dtcwpt2d_grid(h, w, options) it equals dtcwpt2d. How RMax and CMod evaluate the
/// DT-CWPT on the samples they keep (layers/rmax.h, layers/cmod.h).
torch::Tensor dtcwpt2d_on_grid(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options,
                               const SampleGrid& grid);

/// 2-D inverse of a fully decimated, invertible configuration; returns (N, C, height, width).
torch::Tensor idtcwpt2d(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& options,
                        int64_t height, int64_t width);

/// Adjoint of dtcwpt2d for an input of size (height, width): the transpose of the linear map.
torch::Tensor dtcwpt2d_adjoint(const torch::Tensor& y, const torch::Tensor& filters,
                               const DtCwptOptions& options, int64_t height, int64_t width);

/// 1-D forward transform. x: (N, C, L).
torch::Tensor dtcwpt1d(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options);

/// 1-D inverse; returns (N, C, length).
torch::Tensor idtcwpt1d(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& options,
                        int64_t length);

/// Interleaved (Re, Im) channel pairs (N, 2K, ...) as complex (N, K, ...); complex input passes through.
torch::Tensor as_complex(const torch::Tensor& interleaved);

/// Complex (N, K, ...) as interleaved (Re, Im) channel pairs (N, 2K, ...); real input passes through.
torch::Tensor as_interleaved(const torch::Tensor& z);

/// Throws unless `options` describe an invertible transform of an (height, width) input, saying why.
void check_invertible(const DtCwptOptions& options, int64_t height, int64_t width);

namespace detail {
/// The straightforward path: separable equivalent filters applied with torch::conv2d (any device,
/// differentiable in x and filters). The test oracle of the fast CPU path, and the CUDA path.
torch::Tensor dtcwpt2d_separable(const torch::Tensor& x_padded, const torch::Tensor& filters,
                                 const DtCwptOptions& options);
torch::Tensor dtcwpt1d_separable(const torch::Tensor& x_padded, const torch::Tensor& filters,
                                 const DtCwptOptions& options);
/// Equivalent 1-D filters of every (tree, path), built with torch ops: (2 * 2^J, L_eq), row t * 2^J + path.
torch::Tensor equivalent_filters_1d(const torch::Tensor& filters, int64_t levels, int64_t stride);
/// x padded as `options` say along the last `dims` dimensions.
torch::Tensor pad_input(const torch::Tensor& x, const DtCwptOptions& options, int64_t dims);
}  // namespace detail

/// 2-D DT-CWPT module; the filters are a buffer (or a parameter with trainable_filters).
class DtCwpt2dImpl : public torch::nn::Cloneable<DtCwpt2dImpl> {
 public:
  explicit DtCwpt2dImpl(const DtCwptOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// x: (N, C, H, W) -> (N, C * 4 * 4^J, H', W') real or (N, C * 2 * 4^J, H', W') complex or real_only.
  torch::Tensor forward(const torch::Tensor& x);
  /// Inverse of forward for an (height, width) input (fully decimated, invertible options only).
  torch::Tensor inverse(const torch::Tensor& y, int64_t height, int64_t width);

  DtCwptOptions options;
  torch::Tensor filters;
};
TORCH_MODULE(DtCwpt2d);

/// 1-D DT-CWPT module.
class DtCwpt1dImpl : public torch::nn::Cloneable<DtCwpt1dImpl> {
 public:
  explicit DtCwpt1dImpl(const DtCwptOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// x: (N, C, L) -> (N, C * 2 * 2^J, L') real or (N, C * 2^J, L') complex or real_only.
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor inverse(const torch::Tensor& y, int64_t length);

  DtCwptOptions options;
  torch::Tensor filters;
};
TORCH_MODULE(DtCwpt1d);

}  // namespace wavetwin::wavelets
