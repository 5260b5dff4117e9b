// wavetwin/layers/adaptive_blurpool.h: AdaptiveBlurPool, Zou et al.'s content-aware anti-aliasing (PASA,
// BMVC 2020; peers.md section 6): at every pixel a k x k low-pass filter per group of channels is predicted
// from the input, applied at full resolution, and the result subsampled by the stride.
//
// x is padded by k // 2 (reflect by default); a k x k convolution (no bias, Kaiming normal fan-out init) maps
// the C channels to g k^2; BatchNorm; softmax over all g k^2 channels jointly (the reference's) or over each
// group's k^2 (option); channel c uses the filter of group c / (C / g). Output size ceil(H / s) x ceil(W / s)
// (odd k). With a constant prediction (per-group softmax) this is a k x k box blur.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "wavetwin/layers/batch_norm.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/conv2d.h"

namespace wavetwin::layers {

/// Example: `AdaptiveBlurPool blur(AdaptiveBlurPoolOptions(/*channels=*/64).groups(8));`
struct AdaptiveBlurPoolOptions {
  explicit AdaptiveBlurPoolOptions(int64_t channels) : channels_(channels) {}
  /// Number of channels C (a multiple of groups).
  TORCH_ARG(int64_t, channels);
  /// Filter size k (odd).
  TORCH_ARG(int64_t, kernel_size) = 3;
  TORCH_ARG(int64_t, stride) = 2;
  /// Channel groups g sharing one predicted filter (the papers' backbones: 8).
  TORCH_ARG(int64_t, groups) = 8;
  TORCH_ARG(BlurPadding, padding) = BlurPadding::kReflect;
  /// Softmax over all g k^2 predicted weights (the reference) or over each group's k^2.
  TORCH_ARG(bool, joint_softmax) = true;
};

/// Applies per-pixel filters: x (N, C, H, W), weights (N, g k^2, H, W) (group-major, then the k x k window
/// in row-major order), padded as `padding`, subsampled by `stride`.
torch::Tensor apply_pixel_filters(const torch::Tensor& x, const torch::Tensor& weights, int64_t kernel_size,
                                  int64_t stride, BlurPadding padding);

class AdaptiveBlurPoolImpl : public torch::nn::Cloneable<AdaptiveBlurPoolImpl> {
 public:
  explicit AdaptiveBlurPoolImpl(const AdaptiveBlurPoolOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);
  /// The per-pixel filter weights predicted for x: (N, g k^2, H, W), after the softmax.
  torch::Tensor predict(const torch::Tensor& x);

  AdaptiveBlurPoolOptions options;
  Conv2d conv{nullptr};
  BatchNorm2d bn{nullptr};
};
TORCH_MODULE(AdaptiveBlurPool);

}  // namespace wavetwin::layers
