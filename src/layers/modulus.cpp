// src/layers/modulus.cpp: Modulus.
#include "wavetwin/layers/modulus.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {

torch::Tensor as_complex(const torch::Tensor& z) {
  if (z.is_complex()) return z;
  WAVETWIN_CHECK(z.dim() >= 2 && z.size(1) % 2 == 0, "modulus: input of shape ", z.sizes(),
                 "; expected complex maps or an even number of (Re, Im) channels");
  std::vector<int64_t> split = {z.size(0), z.size(1) / 2, 2};
  for (int64_t d = 2; d < z.dim(); ++d) split.push_back(z.size(d));
  std::vector<int64_t> perm = {0, 1};
  for (int64_t d = 3; d <= z.dim(); ++d) perm.push_back(d);
  perm.push_back(2);
  return torch::view_as_complex(z.reshape(split).permute(perm).contiguous());
}

torch::Tensor modulus(const torch::Tensor& z) {
  // torch::abs of a complex tensor differentiates through sgn(z), which is 0 at 0.
  return torch::abs(as_complex(z));
}

}  // namespace wavetwin::layers
