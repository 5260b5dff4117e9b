// fuzz/fuzz_model.h: the model whose checkpoints the checkpoint target reads (and the seed writer writes).
#pragma once

#include <torch/torch.h>

namespace wavetwin::fuzz {

struct FuzzModelImpl : torch::nn::Module {
  FuzzModelImpl() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)));
    norm = register_module("norm", torch::nn::BatchNorm2d(2));
    fc = register_module("fc", torch::nn::Linear(2, 3));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d norm{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(FuzzModel);

}  // namespace wavetwin::fuzz
