// src/layers/batch_norm.cpp: BatchNorm2d with synchronisable batch statistics.
#include "wavetwin/layers/batch_norm.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/layers/bn0.h"

namespace wavetwin::layers {

BatchNorm2dImpl::BatchNorm2dImpl(const torch::nn::BatchNormOptions& options_) : options(options_) { reset(); }

void BatchNorm2dImpl::reset() {
  const int64_t c = options.num_features();
  WAVETWIN_CHECK(c >= 1, "BatchNorm2d: ", c, " channels; expected at least 1");
  // As torch's: undefined tensors under the names that a disabled option leaves.
  weight = register_parameter("weight", options.affine() ? torch::ones({c}) : torch::Tensor(), options.affine());
  bias = register_parameter("bias", options.affine() ? torch::zeros({c}) : torch::Tensor(), options.affine());
  const bool tracking = options.track_running_stats();
  running_mean = register_buffer("running_mean", tracking ? torch::zeros({c}) : torch::Tensor());
  running_var = register_buffer("running_var", tracking ? torch::ones({c}) : torch::Tensor());
  num_batches_tracked = register_buffer("num_batches_tracked", tracking ? torch::zeros({}, torch::kLong) : torch::Tensor());
}

torch::Tensor BatchNorm2dImpl::forward(const torch::Tensor& x) {
  const int64_t c = options.num_features();
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == c, "BatchNorm2d: input of shape ", x.sizes(), "; expected (N, ", c,
                 ", H, W)");
  const bool tracking = options.track_running_stats();
  // torch's momentum rule: a fixed factor, or without one the cumulative average over the batches seen.
  double factor = options.momentum().value_or(0.0);
  if (is_training() && tracking) {
    num_batches_tracked.add_(1);
    if (!options.momentum()) factor = 1.0 / num_batches_tracked.item<double>();
  }
  if (!batch_sum || !is_training()) {
    return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training() || !tracking, factor,
                             options.eps(), at::globalContext().userEnabledCuDNN());
  }
  const torch::Tensor shift = tracking ? running_mean.detach() : torch::zeros({c}, x.options());
  const torch::Tensor d = x - shift.view({1, -1, 1, 1});
  const torch::Tensor local = torch::cat({d.sum({0, 2, 3}), d.square().sum({0, 2, 3}),
                                          torch::full({1}, static_cast<double>(x.numel() / c), x.options())});
  const torch::Tensor total = batch_sum(local);
  const torch::Tensor count = total.narrow(0, 2 * c, 1);
  const torch::Tensor mean_shifted = total.narrow(0, 0, c) / count;
  const torch::Tensor var = total.narrow(0, c, c) / count - mean_shifted.square();  // biased, as torch's
  const torch::Tensor mean = mean_shifted + shift;
  if (tracking) {
    torch::NoGradGuard no_grad;
    const double n = count.item<double>();
    WAVETWIN_CHECK(n > 1, "BatchNorm2d: ", n, " value per channel in the whole batch; expected more than 1 in training");
    running_mean.mul_(1 - factor).add_(mean, factor);
    running_var.mul_(1 - factor).add_(var * (n / (n - 1)), factor);  // unbiased, as torch's
  }
  const auto channel = [](const torch::Tensor& t) { return t.view({1, -1, 1, 1}); };
  torch::Tensor y = (x - channel(mean)) * channel(torch::rsqrt(var + options.eps()));
  if (options.affine()) y = y * channel(weight) + channel(bias);
  return y;
}

void BatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "wavetwin::layers::BatchNorm2d(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=";
  if (options.momentum()) stream << *options.momentum();
  else stream << "None";
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats() << ")";
}

int64_t set_batch_sum(torch::nn::Module& module, const BatchSum& sum) {
  int64_t layers = 0;
  for (const auto& m : module.modules()) {
    if (auto* bn = m->as<BatchNorm2dImpl>()) {
      bn->batch_sum = sum;
      ++layers;
    } else if (auto* bn0 = m->as<BN0Impl>()) {
      bn0->batch_sum = sum;
      ++layers;
    }
  }
  return layers;
}

}  // namespace wavetwin::layers
