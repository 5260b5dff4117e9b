// src/models/model.cpp: the model factory.
#include "wavetwin/models/model.h"

#include "wavetwin/models/alexnet.h"
#include "wavetwin/models/resnet.h"

namespace wavetwin::models {

std::shared_ptr<Model> make_model(const ModelSpec& spec) {
  spec.validate();
  if (spec.architecture == Architecture::kAlexNet) return std::make_shared<AlexNet>(spec);
  return std::make_shared<ResNet>(spec);
}

int64_t trainable_parameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.requires_grad() ? p.numel() : 0;
  return total;
}

}  // namespace wavetwin::models
