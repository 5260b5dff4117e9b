// wavetwin/layers/split_pool.h: the pooling after the twin first layer (reference-system.md 3.2, 3.3): the
// free and the wavelet channels go through different poolings (for CMod: decimation is already done by the
// twin layer, then modulus -> BN0 or Bias -> ReLU), the results are centre-cropped to the smaller size with
// round-half-to-even offsets and concatenated [free | wavelet]. When both kinds of channels share one
// pooling (RMax twins), they are concatenated first and pooled together.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/types.h>

#include "wavetwin/layers/twin_conv.h"

namespace wavetwin::layers {

/// Crops x (N, C, H, W) to (h, w) about its centre, offsets as center_offset.
torch::Tensor center_crop_maps(const torch::Tensor& x, int64_t h, int64_t w);

class SplitPoolImpl : public torch::nn::Module {
 public:
  /// Free channels through `low`, wavelet channels through `high` (registered as "low" and "high").
  SplitPoolImpl(torch::nn::Sequential low, torch::nn::Sequential high);
  /// Both concatenated, then through `joint` (registered as "joint").
  explicit SplitPoolImpl(torch::nn::Sequential joint);
  torch::Tensor forward(const TwinOutput& maps);
  /// "wavetwin::layers::SplitPool(free and wavelet apart)" or "(joint)".
  void pretty_print(std::ostream& stream) const override;

  torch::nn::Sequential low{nullptr}, high{nullptr}, joint{nullptr};
};
TORCH_MODULE(SplitPool);

}  // namespace wavetwin::layers
