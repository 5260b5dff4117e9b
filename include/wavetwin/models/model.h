// wavetwin/models/model.h: the common interface of the zoo's models, and the factory from a ModelSpec.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "wavetwin/layers/twin_conv.h"
#include "wavetwin/models/spec.h"

namespace wavetwin::models {

/// One line of a shape trace: a stage's name and its output shape.
struct TraceStep {
  std::string name;
  std::vector<int64_t> shape;
};

class Model : public torch::nn::Module {
 public:
  explicit Model(ModelSpec spec) : spec_(std::move(spec)) {}
  /// Logits (N, classes) of images (N, in_channels, H, W).
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  /// forward(), recording each stage's output shape.
  virtual torch::Tensor forward_traced(const torch::Tensor& x, std::vector<TraceStep>& trace) = 0;
  /// The twin first layer (null for a standard first layer).
  virtual layers::TwinConv twin() const { return nullptr; }
  const ModelSpec& spec() const { return spec_; }
  /// "wavetwin::models::ResNet(resnet18 --twin cmod --classes 10)": the architecture and the readable spec.
  void pretty_print(std::ostream& stream) const override;

 protected:
  ModelSpec spec_;
};

/// The model of `spec` (validated), freshly initialised as the reference initialises it.
std::shared_ptr<Model> make_model(const ModelSpec& spec);

/// Number of trainable parameter values (requires_grad) of a module.
int64_t trainable_parameters(const torch::nn::Module& module);

/// Multiply-accumulates of one forward pass on a (channels, height, width) image, in evaluation mode:
/// convolutions, linear layers, the DT-CWPT, blur filters and the twin's mixing (what torchvision and the
/// papers call FLOPs; ResNet-18 at 224 x 224: 1.82 G). Batch norm, pooling and activations are left out.
int64_t forward_macs(Model& model, int64_t channels, int64_t height, int64_t width);

}  // namespace wavetwin::models
