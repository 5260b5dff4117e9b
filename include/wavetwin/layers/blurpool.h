// wavetwin/layers/blurpool.h: BlurPool, Zhang's anti-aliased subsampling (ICML 2019; peers.md section 5):
// a fixed binomial low-pass filter applied to every channel separately, then subsampling by the stride.
//
// Filter of size k: the outer product of the binomial row (1; 1 1; 1 2 1; 1 3 3 1; ... up to k = 7),
// normalised to sum 1, as a non-trainable buffer (C, 1, k, k). Padding floor((k-1)/2) before and
// ceil((k-1)/2) after each axis (+ pad_off on both), reflect by default (circular for APS), so a stride-2 output has
// ceil(N / 2) samples; k = 1 is plain subsampling.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>

namespace wavetwin::layers {

enum class BlurPadding { kReflect, kReplicate, kZeros, kCircular };

/// "reflect", "replicate", "zeros" (also "zero") or "circular"; throws wavetwin::Error listing them otherwise.
BlurPadding parse_blur_padding(const std::string& name);
std::string blur_padding_name(BlurPadding padding);

/// Example: `BlurPool blur(BlurPoolOptions(/*channels=*/64).filter_size(3));`
struct BlurPoolOptions {
  explicit BlurPoolOptions(int64_t channels) : channels_(channels) {}
  /// Number of channels C.
  TORCH_ARG(int64_t, channels);
  /// Binomial filter size k, 1..7 (Zhang: 2 = Rect-2, 3 = Tri-3, 5 = Bin-5; the papers' Bf3 = 3).
  TORCH_ARG(int64_t, filter_size) = 4;
  /// Subsampling factor.
  TORCH_ARG(int64_t, stride) = 2;
  TORCH_ARG(BlurPadding, padding) = BlurPadding::kReflect;
  /// Extra padding on every side.
  TORCH_ARG(int64_t, pad_off) = 0;
};

/// The binomial row of size k (1..7), normalised to sum 1: float64 (k).
torch::Tensor binomial_filter(int64_t size);

/// The filter bank of BlurPool: the outer product of binomial_filter(size) with itself, float32 (C, 1, k, k).
torch::Tensor blur_filter(int64_t channels, int64_t size);

/// Pads x (N, C, H, W) by (before, after) on both spatial axes with the given mode.
torch::Tensor blur_pad(const torch::Tensor& x, int64_t before, int64_t after, BlurPadding padding);

/// BlurPool of x (N, C, H, W) with the (C, 1, k, k) filter bank.
torch::Tensor blur_pool(const torch::Tensor& x, const torch::Tensor& filter, const BlurPoolOptions& options);

class BlurPoolImpl : public torch::nn::Cloneable<BlurPoolImpl> {
 public:
  explicit BlurPoolImpl(const BlurPoolOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x) { return blur_pool(x, filter, options); }

  BlurPoolOptions options;
  torch::Tensor filter;  ///< buffer (C, 1, k, k)
};
TORCH_MODULE(BlurPool);

}  // namespace wavetwin::layers
