// wavetwin/layers/conv2d.h: a 2-D convolution (cross-correlation, NCHW, zero or circular padding) that behaves as
// torch::nn::Conv2d, with a weight gradient that stays fast on tiny maps, and that reports its MACs.
//
// y[n, o] = b[o] + sum_{c, i, j} w[o, c, i, j] x[n, c, s h + d i - p, s w + d j - p] (groups g: c over the
// group of o). Why not torch::nn::Conv2d: on CPUs without AVX-512, libtorch 1.13's oneDNN has no JIT kernel
// for the weight gradient of 3x3 convolutions with 256 or more input channels and falls back to a gemm path
// 10-15 times slower than one matrix product, on exactly the 2x2 and 1x1 maps of CIFAR-sized ResNets
// (ResNet-18's 512-channel layers at batch 256: 155 ms instead of 11 ms). When the output map has at most
// kSmallMap positions (and groups = 1, on the CPU), the weight gradient is that product over the im2col
// columns; the forward pass and the input gradient stay torch's. The parameters are named as torch's
// ("weight", "bias") and initialised by torch's own Conv2d, so state dicts and seeded models are unchanged.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/options/conv.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace wavetwin::layers {

/// Output maps of at most this many positions take the im2col weight gradient.
constexpr int64_t kSmallMap = 4;

/// conv2d of x (N, C, H, W) with weight (O, C / g, kh, kw) and an optional bias (O), as torch::conv2d with the
/// options' stride, padding, dilation and groups (explicit padding sizes; zero padding, or circular: the input
/// extended periodically first, as torch::nn::Conv2d does).
torch::Tensor conv2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                     const torch::nn::Conv2dOptions& options);

/// Example: `Conv2d conv(torch::nn::Conv2dOptions(256, 256, 3).padding(1).bias(false));`
class Conv2dImpl : public torch::nn::Cloneable<Conv2dImpl> {
 public:
  explicit Conv2dImpl(const torch::nn::Conv2dOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x) { return conv2d(x, weight, bias, options); }

  torch::nn::Conv2dOptions options;
  torch::Tensor weight;  ///< parameter (O, C / g, kh, kw)
  torch::Tensor bias;    ///< parameter (O), or undefined
};
TORCH_MODULE(Conv2d);

}  // namespace wavetwin::layers
