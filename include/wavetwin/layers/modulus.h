// wavetwin/layers/modulus.h: Modulus, |z| of complex feature maps, with gradient 0 at z = 0.
//
// Input: complex (N, C, H, W), or real (N, 2C, H, W) holding (Re, Im) of map c in channels (2c, 2c+1) (the
// DT-CWPT layout). Output: real (N, C, H, W). The gradient is Re(g conj(sgn z)), taken as 0 at z = 0 (never
// NaN), as wcnn's `Modulus` (torch.abs of a complex view). Without a gradient to record, float32 maps on the
// CPU take one pass with the squares in double (no hypot needed), rounded once.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace wavetwin::layers {

/// |z| of complex maps or of interleaved (Re, Im) channel pairs.
torch::Tensor modulus(const torch::Tensor& z);

class ModulusImpl : public torch::nn::Cloneable<ModulusImpl> {
 public:
  ModulusImpl() = default;
  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "wavetwin::layers::Modulus()"; }
  torch::Tensor forward(const torch::Tensor& z) { return modulus(z); }
};
TORCH_MODULE(Modulus);

}  // namespace wavetwin::layers
