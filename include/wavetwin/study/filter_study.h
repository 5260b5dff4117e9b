// wavetwin/study/filter_study.h: the per-filter experiment of P1 section 6: how far RMax is from CMod, and
// how stable each is to a small translation, for every complex DT-CWPT packet, over natural images.
//
// For an image X and its translate X' (two crops of one larger image, offset by `shift`), packet l:
//   rho_l^2     = (||Y_max - Y_mod|| / ||Y_mod||)^2,
//   stab_max_l  = ||Y_max' - Y_max|| / ||Y_mod||,   stab_mod_l = ||Y_mod' - Y_mod|| / ||Y_mod||,
// with Y_max = RMax (real part of the DT-CWPT at stride m = 2^(J-1), centred 3x3 max pooling of stride 2) and
// Y_mod = CMod (modulus of the same map decimated by 2), averaged over images (P1 section 6, peers.md 4.1).
// Images are grey, (N, 1, H + |dr|, W + |dc|). The transform is computed once and both operators read it
// (layers::rmax_from_dtcwpt, layers::cmod_from_dtcwpt); the norms are summed in one pass over their maps.
#pragma once

#include <torch/types.h>

#include "wavetwin/wavelets/dtcwpt.h"

#include <array>
#include <cstdint>
#include <vector>

namespace wavetwin::study {

/// A translation (rows, columns) in pixels.
using Shift = std::array<int64_t, 2>;

/// Example: `FilterStudy study(FilterStudyOptions().levels(3).shift({0, 1}));`
struct FilterStudyOptions {
  /// DT-CWPT depth J (J = 2: m = 2; J = 3: m = 4).
  TORCH_ARG(int64_t, levels) = 3;
  /// Pooling half-width q.
  TORCH_ARG(int64_t, q) = 1;
  /// Translation (rows, columns) between the two crops, in pixels.
  TORCH_ARG(Shift, shift) = Shift{0, 1};
  /// Output samples left out on every side before the norms (0: the whole maps, as the paper).
  TORCH_ARG(int64_t, border) = 0;
};

/// Running means of the three measures for every packet P (index = packet; low-pass packets included).
struct FilterMeasures {
  int64_t images = 0;
  std::vector<double> discrepancy;     ///< mean rho^2
  std::vector<double> rmax_stability;  ///< mean stab_max
  std::vector<double> cmod_stability;  ///< mean stab_mod
};

/// Accumulates the measures over batches of images.
class FilterStudy {
 public:
  explicit FilterStudy(const FilterStudyOptions& options);
  /// images: (N, 1, H + |dr|, W + |dc|) float; the crops at (0, 0)-side and shift-side are compared.
  void add(const torch::Tensor& images);
  const FilterMeasures& measures() const { return measures_; }
  /// Per-image, per-packet values of the last batch: (N, packets) each.
  std::array<torch::Tensor, 3> last_batch() const { return last_; }

 private:
  FilterStudyOptions options_;
  wavelets::DtCwpt2d transform_{nullptr};  // interleaved, at stride 2^(J-1)
  FilterMeasures measures_;
  std::array<torch::Tensor, 3> last_;
};

}  // namespace wavetwin::study
