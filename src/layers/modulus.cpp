// src/layers/modulus.cpp: Modulus.
#include "wavetwin/layers/modulus.h"

#include <torch/torch.h>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {

torch::Tensor modulus(const torch::Tensor& z) {
  // torch::abs of a complex tensor differentiates through sgn(z), which is 0 at 0.
  return torch::abs(wavelets::as_complex(z));
}

}  // namespace wavetwin::layers
