// src/layers/bn0.cpp: BN0.
#include "wavetwin/layers/bn0.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {

torch::Tensor bn0(const torch::Tensor& x, torch::Tensor& running_var, const torch::Tensor& weight,
                  const torch::Tensor& bias, bool training, const BN0Options& options, const BatchSum& batch_sum) {
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == options.channels(), "bn0: input of shape ", x.sizes(),
                 "; expected (N, ", options.channels(), ", H, W)");
  torch::Tensor energy;
  if (training) {
    if (batch_sum) {
      const int64_t c = options.channels();
      const torch::Tensor total = batch_sum(torch::cat({x.square().sum({0, 2, 3}),
                                                        torch::full({1}, static_cast<double>(x.numel() / c), x.options())}));
      energy = total.narrow(0, 0, c) / total.narrow(0, c, 1);
    } else {
      energy = x.square().mean({0, 2, 3});
    }
    torch::NoGradGuard no_grad;
    running_var.mul_(1 - options.momentum()).add_(energy.detach(), options.momentum());
  } else {
    energy = running_var;
  }
  const auto channel = [](const torch::Tensor& t) { return t.view({1, -1, 1, 1}); };
  return x / channel(torch::sqrt(energy / 2 + options.eps())) * channel(weight.abs()) + channel(bias);
}

BN0Impl::BN0Impl(const BN0Options& options_) : options(options_) { reset(); }

void BN0Impl::reset() {
  WAVETWIN_CHECK(options.channels() >= 1, "BN0: channels=", options.channels(), "; expected >= 1");
  const int64_t c = options.channels();
  weight = register_parameter("weight", torch::ones({c}));
  bias = register_parameter("bias", torch::zeros({c}));
  running_mean = register_buffer("running_mean", torch::zeros({c}));
  running_var = register_buffer("running_var", torch::ones({c}));
  num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
}

torch::Tensor BN0Impl::forward(const torch::Tensor& x) {
  if (is_training()) num_batches_tracked.add_(1);  // as BatchNorm2d, for state-dict compatibility
  return bn0(x, running_var, weight, bias, is_training(), options, batch_sum);
}

void BN0Impl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::BN0(channels=" << options.channels();
  if (options.eps() != 1e-5) stream << ", eps=" << options.eps();
  if (options.momentum() != 0.1) stream << ", momentum=" << options.momentum();
  stream << ")";
}

}  // namespace wavetwin::layers
