// wavetwin/layers/aps.h: adaptive polyphase sampling (APS; Chaman and Dokmanic, "Truly Shift-Invariant
// Convolutional Neural Networks", CVPR 2021; peers.md): a downsampling by s that keeps, for each sample, the
// polyphase component of largest norm instead of always the one at offset (0, 0).
//
// x (N, C, H, W) is first low-pass filtered at stride 1 with BlurPool's binomial filter of size k (circular
// padding by default; k = 1: no filter). Its s^2 polyphase components are x[:, :, i::s, j::s], numbered
// p = i s + j, so for s = 2 in the order (0,0), (0,1), (1,0), (1,1). A side that is not a multiple of s is
// first extended circularly to the next multiple (its first rows or columns repeated after its last), so every
// component has ceil(H/s) x ceil(W/s) samples. For each sample the component of largest norm over (C, h, w)
// is kept (l2 by default, l1 or l-infinity); ties go to the lowest p.
//
// With circular padding everywhere and sides that are multiples of s, a circular shift of the input permutes
// the components and shifts each circularly, so the kept component is the same one up to a circular shift:
// a network of such layers, circular convolutions and global pooling is exactly shift-invariant, as long as
// no two components tie (ties go by position, which a shift changes): l-infinity ties easily after a max
// pooling that repeats its maxima, unless a low-pass filter (k >= 3) separates them; and l1 ties always on
// non-negative maps (after a ReLU) filtered by a binomial filter of size k >= 2, whose even and odd taps have
// the same sum, so every component has the same l1 norm (models::ModelSpec refuses that combination).
//
// Residual blocks: the paper keeps the shortcut on the main path's grid by downsampling it with the indices
// chosen on the main path (`forward_with`).
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/functional.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>

#include "wavetwin/layers/blurpool.h"

namespace wavetwin::layers {

enum class ApsNorm { kL2, kL1, kLInf };

/// "l2", "l1", "linf" <-> ApsNorm; parse_aps_norm throws wavetwin::Error listing them.
std::string aps_norm_name(ApsNorm norm);
ApsNorm parse_aps_norm(const std::string& name);

/// A module padding (N, C, H, W) circularly by `size` on every side: what APS models put before a max pooling
/// so that it commutes with circular shifts.
torch::nn::Functional circular_padding(int64_t size);

/// Example: `Aps aps(ApsOptions(/*channels=*/64).filter_size(3));`
struct ApsOptions {
  explicit ApsOptions(int64_t channels) : channels_(channels) {}
  /// Number of channels C.
  TORCH_ARG(int64_t, channels);
  /// Binomial low-pass filter size k, 1..7 (1: none; the paper's models: 3).
  TORCH_ARG(int64_t, filter_size) = 3;
  /// Downsampling factor s (s^2 polyphase components).
  TORCH_ARG(int64_t, stride) = 2;
  TORCH_ARG(ApsNorm, norm) = ApsNorm::kL2;
  /// Padding of the low-pass filter.
  TORCH_ARG(BlurPadding, padding) = BlurPadding::kCircular;
};

/// The s^2 polyphase components of x (N, C, H, W), sides extended circularly to multiples of s:
/// (N, s^2, C, ceil(H/s), ceil(W/s)), component p = i s + j being x[:, :, i::s, j::s].
torch::Tensor polyphase_components(const torch::Tensor& x, int64_t stride);

/// Per sample, the index of the component of largest norm: components (N, P, C, h, w) -> (N) int64, ties
/// to the lowest index.
torch::Tensor select_polyphase(const torch::Tensor& components, ApsNorm norm);

/// components (N, P, C, h, w), indices (N) -> the chosen components (N, C, h, w).
torch::Tensor gather_polyphase(const torch::Tensor& components, const torch::Tensor& indices);

/// A downsampled map and the polyphase component chosen for each sample.
struct ApsOutput {
  torch::Tensor output;   ///< (N, C, ceil(H/s), ceil(W/s))
  torch::Tensor indices;  ///< (N) int64
};

class ApsImpl : public torch::nn::Cloneable<ApsImpl> {
 public:
  explicit ApsImpl(const ApsOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x) { return forward_indexed(x).output; }
  /// The output and the components chosen.
  ApsOutput forward_indexed(const torch::Tensor& x);
  /// x filtered and downsampled keeping the given components (N) int64 (a residual shortcut: the main
  /// path's choice).
  torch::Tensor forward_with(const torch::Tensor& x, const torch::Tensor& indices);

  ApsOptions options;
  torch::Tensor filter;  ///< buffer (C, 1, k, k), as BlurPool's
};
TORCH_MODULE(Aps);

}  // namespace wavetwin::layers
