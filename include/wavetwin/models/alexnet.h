// wavetwin/models/alexnet.h: AlexNet (torchvision layout), Zhang's anti-aliased AlexNet and their wavelet
// twins (reference-system.md 5.3).
//
// State-dict names. Standard: features.{0,3,6,8,10} convolutions, classifier.{1,4,6} linear layers (as
// torchvision). Zhang: features.0 conv (stride 2), .2 blur, .4 blur, .5 conv, .8 blur, .9, .11, .13 convs,
// .16 blur (Zhang's Sequential). APS: conv1 11x11 at stride 1 with circular padding 5, APS of stride 4, circular
// padding + MaxPool(3, 1), APS; then as Zhang's with APS for the blurs, every convolution and max pooling padded
// circularly (a padding module before each pooling); the twin keeps Zhang's stride 2 and an APS of stride 2.
// Twins: twin.* (layers::TwinConv: twin.freeconv, twin.colormix,
// twin.featmapmix<i>), pool.* (layers::SplitPool: pool.joint, or pool.low and pool.high, whose Bias is
// pool.high.1), then features.* continuing from the second convolution (features.0 = conv 64 -> 192).
#pragma once

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>

#include "wavetwin/layers/split_pool.h"
#include "wavetwin/layers/twin_conv.h"
#include "wavetwin/models/model.h"

namespace wavetwin::models {

class AlexNet : public Model {
 public:
  explicit AlexNet(const ModelSpec& spec);
  torch::Tensor forward(const torch::Tensor& x) override;
  torch::Tensor forward_traced(const torch::Tensor& x, std::vector<TraceStep>& trace) override;
  layers::TwinConv twin() const override { return twin_; }

 private:
  layers::TwinConv twin_{nullptr};
  layers::SplitPool pool_{nullptr};
  torch::nn::Sequential features_{nullptr};
  torch::nn::AdaptiveAvgPool2d avgpool_{nullptr};
  torch::nn::Sequential classifier_{nullptr};
};

}  // namespace wavetwin::models
