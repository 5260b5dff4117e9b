// wavetwin/wavelets/dtcwt.h: Kingsbury's dual-tree complex wavelet transform (DTCWT), 2-D and 1-D, forward
// and inverse, with dtcwt's (python3-dtcwt, Transform2d / Transform1d) numbers and pytorch_wavelets' layout.
//
// Unlike the packet transform (dtcwpt.h), only the low-pass band is split again at each level: level 1 uses a
// biorthogonal bank (odd-length filters, undecimated, then the 2x2 quads of each band recombined into two
// complex subbands), levels >= 2 a Q-shift bank (tree a and tree b on alternate samples, decimation by 2).
// Every filter runs under half-sample symmetric extension (symmetric_filter.h).
//
// Conventions (dtcwt's, and pytorch_wavelets'):
//  - An odd height or width is made even by repeating the last row or column. Before each level >= 2 a
//    low-pass whose height (width) is not a multiple of 4 gets its first and last rows (columns) repeated.
//    So a 33x20 input has level-1 subbands 17x10, a level-1 low-pass 34x20, level-2 subbands 9x5.
//  - 2-D highpasses of level j: (N, C, 6, H_j, W_j, 2), orientations 15, 45, 75, 105, 135, 165 degrees,
//    then (real, imaginary). 1-D: (N, C, L_j, 2). The low-pass keeps the input's layout.
//  - The inverse returns the even-sized input (an odd input comes back with its repeated row or column); it
//    drops the first and last rows (columns) of a low-pass that is larger than twice the next highpass.
//  - 1-D inputs of odd length are extended like 2-D ones (dtcwt's Transform1d refuses them).
// Forward and inverse are differentiable in their inputs through the kernels' exact adjoints, on the CPU
// kernels; other devices run the same filtering with torch ops.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>
#include <vector>

#include "wavetwin/wavelets/filter_bank.h"

namespace wavetwin::wavelets {

/// Options of the DTCWT. Example: `auto p = dtcwt2d(x, DtcwtOptions(3).qshift("qshift_b"));`
struct DtcwtOptions {
  explicit DtcwtOptions(int64_t levels = 3) : levels_(levels) {}
  /// Number of levels J >= 0 (0: the input is the low-pass, no highpasses).
  TORCH_ARG(int64_t, levels);
  /// Level-1 biorthogonal bank, a name of filter_bank.h.
  TORCH_ARG(std::string, biort) = "near_sym_a";
  /// Q-shift bank of levels >= 2, a name of filter_bank.h.
  TORCH_ARG(std::string, qshift) = "qshift_a";
  /// Levels (0-based) whose highpasses are not computed (left undefined); shorter than J: the rest computed.
  TORCH_ARG(std::vector<bool>, skip_highpasses) = {};
  /// Also return the low-pass after every level.
  TORCH_ARG(bool, include_scale) = false;
};

/// The filters of a DTCWT: a level-1 biorthogonal bank and a Q-shift bank (named, or any with the same shapes).
struct DtcwtBanks {
  BiorthogonalBank biort;
  QShiftBank qshift;
};

/// The banks `options` name; throws wavetwin::Error listing the known names otherwise.
DtcwtBanks dtcwt_banks(const DtcwtOptions& options);

/// A DTCWT pyramid. highpasses[j] is undefined where level j was skipped; scales[j] (include_scale) is the
/// low-pass after level j, before any extension for the next level.
struct DtcwtPyramid {
  torch::Tensor lowpass;
  std::vector<torch::Tensor> highpasses;
  std::vector<torch::Tensor> scales;
};

/// 2-D forward: x (N, C, H, W) float32 or float64 -> pyramid (see the conventions above).
DtcwtPyramid dtcwt2d(const torch::Tensor& x, const DtcwtOptions& options);
DtcwtPyramid dtcwt2d(const torch::Tensor& x, const DtcwtBanks& banks, const DtcwtOptions& options);

/// 2-D inverse from the low-pass and the highpasses (an undefined highpass counts as zeros).
torch::Tensor idtcwt2d(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses,
                       const DtcwtBanks& banks);
torch::Tensor idtcwt2d(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses,
                       const DtcwtOptions& options = DtcwtOptions());

/// 1-D forward: x (N, C, L) -> pyramid with highpasses (N, C, L_j, 2).
DtcwtPyramid dtcwt1d(const torch::Tensor& x, const DtcwtOptions& options);
DtcwtPyramid dtcwt1d(const torch::Tensor& x, const DtcwtBanks& banks, const DtcwtOptions& options);

/// 1-D inverse.
torch::Tensor idtcwt1d(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses,
                       const DtcwtBanks& banks);
torch::Tensor idtcwt1d(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses,
                       const DtcwtOptions& options = DtcwtOptions());

/// The scattering layer of pytorch_wavelets' ScatLayer on the level-1 DTCWT: (N, C, H, W) ->
/// (N, 7 C, ceil(H/2), ceil(W/2)): the low-pass averaged over 2x2 blocks (channels 0 .. C-1), then for
/// each orientation o the smoothed modulus sqrt(re^2 + im^2 + bias^2) - bias (channels C (1 + o) + c).
/// combine_colour (C = 3): one modulus over the three colours per orientation, (N, 3 + 6, ...).
torch::Tensor dtcwt_scattering(const torch::Tensor& x, const std::string& biort = "near_sym_a",
                               double magnitude_bias = 1e-2, bool combine_colour = false);

namespace detail {
/// A filtering of rows (symmetric_filter.h) with its phases' taps and starts.
struct RowFilter {
  std::vector<std::vector<double>> taps;
  std::vector<int64_t> starts;
  int64_t stride = 1, dilation = 1, n_out = 0;
};
/// dtcwt's colfilter (odd taps h, n rows -> n), coldfilt (n % 4 == 0 -> n / 2) and colifilt (n -> 2 n).
RowFilter colfilter(const std::vector<double>& h, int64_t n);
RowFilter coldfilt(const std::vector<double>& ha, const std::vector<double>& hb, int64_t n);
RowFilter colifilt(const std::vector<double>& ha, const std::vector<double>& hb, int64_t n);
/// x: (P, n, cols) -> (P, n_out * phases, cols); the CPU kernels (exact adjoint as backward), torch ops elsewhere.
torch::Tensor filter_rows(const torch::Tensor& x, const RowFilter& filter);
/// x: (P, rows, n) -> (P, rows, n_out * phases): the same filtering along the last (contiguous) dimension.
torch::Tensor filter_lines(const torch::Tensor& x, const RowFilter& filter);
/// Several filterings of one input at once: one pass per filter forward, the adjoints summed in place backward.
std::vector<torch::Tensor> filter_rows(const torch::Tensor& x, const std::vector<RowFilter>& filters);
std::vector<torch::Tensor> filter_lines(const torch::Tensor& x, const std::vector<RowFilter>& filters);
/// The same with torch ops alone (gathers and sums, any device): the kernels' oracle in the tests.
torch::Tensor filter_rows_torch(const torch::Tensor& x, const RowFilter& filter);
/// The six orientations (P, 6, h, w, 2) from a level's bands lh, hl, hh (P, 2h, 2w) (dtcwt's q2c), and back
/// (c2q): the CPU kernels of quads.h (each the other's backward), torch ops elsewhere; and the torch-op forms.
torch::Tensor to_orientations(const torch::Tensor& lh, const torch::Tensor& hl, const torch::Tensor& hh);
torch::Tensor to_orientations_torch(const torch::Tensor& lh, const torch::Tensor& hl, const torch::Tensor& hh);
std::vector<torch::Tensor> to_bands(const torch::Tensor& orientations);
std::vector<torch::Tensor> to_bands_torch(const torch::Tensor& orientations);
}  // namespace detail

/// The 2-D DTCWT as a module (no parameters: the banks are fixed tables).
class Dtcwt2dImpl : public torch::nn::Cloneable<Dtcwt2dImpl> {
 public:
  explicit Dtcwt2dImpl(const DtcwtOptions& options = DtcwtOptions());
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  DtcwtPyramid forward(const torch::Tensor& x);
  torch::Tensor inverse(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses);

  DtcwtOptions options;
  DtcwtBanks banks;
};
TORCH_MODULE(Dtcwt2d);

}  // namespace wavetwin::wavelets
