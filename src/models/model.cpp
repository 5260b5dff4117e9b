// src/models/model.cpp: the model factory.
#include "wavetwin/models/model.h"

#include <torch/torch.h>

#include "wavetwin/macs.h"

#include "wavetwin/models/alexnet.h"
#include "wavetwin/models/resnet.h"

namespace wavetwin::models {

std::shared_ptr<Model> make_model(const ModelSpec& spec) {
  spec.validate();
  if (spec.architecture == Architecture::kAlexNet) return std::make_shared<AlexNet>(spec);
  return std::make_shared<ResNet>(spec);
}

void Model::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::models::" << (spec_.architecture == Architecture::kAlexNet ? "AlexNet" : "ResNet") << "("
         << spec_.readable() << ")";
}

int64_t trainable_parameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.requires_grad() ? p.numel() : 0;
  return total;
}

int64_t forward_macs(Model& model, int64_t channels, int64_t height, int64_t width) {
  const bool training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  MacCounter counter;
  model.forward(torch::zeros({1, channels, height, width}, model.parameters().front().options()));
  model.train(training);
  // torch's linear layers do not report; one input vector each.
  int64_t linear = 0;
  for (const auto& module : model.modules()) {
    if (const auto* fc = module->as<torch::nn::Linear>()) linear += fc->weight.numel();
  }
  return counter.total() + linear;
}

}  // namespace wavetwin::models
