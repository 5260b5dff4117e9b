// wavetwin/layers/bias.h: Bias, a trainable per-channel bias y[c] = x[c] + b[c].
//
// wcnn's `base_modules.Bias`: a depthwise 1x1 convolution whose weight is fixed to 1 (kept, not trainable,
// for state-dict compatibility) and whose bias is trained, initialised U(-1, 1) (PyTorch's Conv2d default
// with fan_in = 1). Used after CMod in the AlexNet twins (reference-system.md 3.2).
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace wavetwin::layers {

/// Example: `Bias bias(BiasOptions(/*channels=*/32));`
struct BiasOptions {
  explicit BiasOptions(int64_t channels) : channels_(channels) {}
  /// Number of channels C.
  TORCH_ARG(int64_t, channels);
};

/// x: (N, C, ...) + bias (C).
torch::Tensor bias_add(const torch::Tensor& x, const torch::Tensor& bias);

class BiasImpl : public torch::nn::Cloneable<BiasImpl> {
 public:
  explicit BiasImpl(const BiasOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x) { return bias_add(x, bias); }

  BiasOptions options;
  torch::Tensor weight;  ///< (C, 1, 1, 1) ones, requires_grad false
  torch::Tensor bias;    ///< (C)
};
TORCH_MODULE(Bias);

}  // namespace wavetwin::layers
