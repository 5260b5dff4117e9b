// src/layers/bias.cpp: Bias.
#include "wavetwin/layers/bias.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {

torch::Tensor bias_add(const torch::Tensor& x, const torch::Tensor& bias) {
  WAVETWIN_CHECK(x.dim() >= 2 && x.size(1) == bias.size(0), "bias: input of shape ", x.sizes(), "; expected ",
                 bias.size(0), " channels");
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = bias.size(0);
  return x + bias.view(shape);
}

BiasImpl::BiasImpl(const BiasOptions& options_) : options(options_) { reset(); }

void BiasImpl::reset() {
  WAVETWIN_CHECK(options.channels() >= 1, "Bias: channels=", options.channels(), "; expected >= 1");
  weight = register_parameter("weight", torch::ones({options.channels(), 1, 1, 1}), /*requires_grad=*/false);
  bias = register_parameter("bias", torch::empty({options.channels()}).uniform_(-1, 1));
}

void BiasImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::Bias(channels=" << options.channels() << ")";
}

}  // namespace wavetwin::layers
