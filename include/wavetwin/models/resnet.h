// wavetwin/models/resnet.h: ResNet-18/34/50/101 (torchvision), Zhang's and Zou's anti-aliased ResNets and
// their wavelet twins (reference-system.md 5.4).
//
// State-dict names follow torchvision: conv1, bn1, layer1.0.conv1, layer1.0.bn1, ..., layer2.0.downsample.{0,1},
// fc. Anti-aliased blocks (stride 2): conv2.0 = blur, conv2.1 = 3x3 convolution (BasicBlock) or conv3.0 = blur,
// conv3.1 = 1x1 convolution (Bottleneck); downsample.0 = blur, .1 = 1x1 convolution, .2 = BatchNorm; the stem's
// maxpool.0 = MaxPool(3, 1, 1), maxpool.1 = blur. APS (Chaman and Dokmanic): as Zhang's with layers::Aps for
// the blur, every convolution and pooling padded circularly, and conv1 at stride 1 followed by APS: maxpool.0
// = APS, .1 = circular padding, .2 = MaxPool(3, 1), .3 = APS; a block's shortcut keeps the polyphase
// components its main path chose. Twins: conv1 = layers::TwinConv (conv1.freeconv,
// conv1.colormix, conv1.featmapmix<i>), maxpool = layers::SplitPool (maxpool.joint.*, or maxpool.low.* and
// maxpool.high.*), no bn1.
#pragma once

#include <torch/nn/modules/pooling.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "wavetwin/layers/aps.h"
#include "wavetwin/layers/batch_norm.h"
#include "wavetwin/layers/conv2d.h"
#include "wavetwin/layers/split_pool.h"
#include "wavetwin/layers/twin_conv.h"
#include "wavetwin/models/model.h"

namespace wavetwin::models {

/// torchvision's BasicBlock (expansion 1) and Bottleneck (expansion 4), with the stride moved after a blur
/// (Zhang), an adaptive blur (Zou) or APS when anti-aliased.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(bool bottleneck, int64_t inplanes, int64_t planes, int64_t stride, const ModelSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  /// "wavetwin::models::ResidualBlock(basic, 64 -> 128, stride=2)".
  void pretty_print(std::ostream& stream) const override;

 private:
  bool bottleneck_;
  int64_t inplanes_, planes_, stride_;
  layers::Conv2d conv1_{nullptr};
  layers::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  // conv2 (BasicBlock) or conv3 (Bottleneck) is a plain convolution, or a blur then the convolution.
  layers::Conv2d conv2_{nullptr}, conv3_{nullptr};
  torch::nn::Sequential blurred_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
  // APS: the main path's (inside blurred_) and the shortcut's (downsample_'s first).
  layers::Aps aps_{nullptr}, shortcut_aps_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class ResNet : public Model {
 public:
  explicit ResNet(const ModelSpec& spec);
  torch::Tensor forward(const torch::Tensor& x) override;
  torch::Tensor forward_traced(const torch::Tensor& x, std::vector<TraceStep>& trace) override;
  layers::TwinConv twin() const override { return twin_; }

 private:
  torch::Tensor stem(const torch::Tensor& x, std::vector<TraceStep>* trace);

  layers::Conv2d conv1_{nullptr};
  layers::BatchNorm2d bn1_{nullptr};
  torch::nn::MaxPool2d maxpool_{nullptr};
  torch::nn::Sequential maxpool_blur_{nullptr};
  layers::TwinConv twin_{nullptr};
  layers::SplitPool split_pool_{nullptr};
  std::vector<torch::nn::Sequential> stages_;
  torch::nn::Linear fc_{nullptr};
};

}  // namespace wavetwin::models
