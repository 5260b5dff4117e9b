// src/layers/batch_norm.cpp: BatchNorm2d with synchronisable batch statistics.
#include "wavetwin/layers/batch_norm.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/layers/bn0.h"

namespace wavetwin::layers {

namespace {

struct Statistics {
  torch::Tensor mean, var;  ///< per channel; var biased
  double count = 0;         ///< values per channel
};

// The whole batch's statistics: every process's count, and its mean and variance (one Welford pass) about a
// shift K the same on every process (the running mean), summed. About K, the variance's E[d^2] - E[d]^2 loses
// little once the running mean is near the batch mean.
Statistics whole_batch(const torch::Tensor& x, const torch::Tensor& shift_or_none, const BatchSum& batch_sum) {
  torch::NoGradGuard no_grad;
  const int64_t c = x.size(1);
  const double n = static_cast<double>(x.numel() / c);
  const torch::Tensor shift = shift_or_none.defined() ? shift_or_none : torch::zeros({c}, x.options());
  torch::Tensor local = torch::zeros({2 * c + 1}, x.options());
  if (n > 0) {
    const auto [var, mean] = torch::var_mean(x, {0, 2, 3}, /*unbiased=*/false);
    const torch::Tensor centred = mean - shift;
    local = torch::cat({centred * n, (var + centred.square()) * n, torch::full({1}, n, x.options())});
  }
  const torch::Tensor total = batch_sum(local);
  Statistics whole;
  whole.count = total[2 * c].item<double>();
  const torch::Tensor mean_shifted = total.narrow(0, 0, c) / whole.count;
  whole.mean = mean_shifted + shift;
  whole.var = total.narrow(0, c, c) / whole.count - mean_shifted.square();
  return whole;
}

// A BatchSum kept with the autograd graph, for the backward pass.
struct SumCapsule : torch::CustomClassHolder {
  explicit SumCapsule(BatchSum sum) : sum(std::move(sum)) {}
  BatchSum sum;
};

// y = (x - mean) * invstd * weight + bias with the whole batch's mean and invstd (torch's fused kernel, as in
// evaluation). Backward: the fused evaluation-mode kernel gives dy * weight * invstd and this process's
// sum(dy) and sum(dy * (x - mean)); their sums over the processes add the terms through the statistics
// (PyTorch's SyncBatchNorm's scheme). The parameter gradients stay this process's share, as any parameter's.
struct SynchronisedBatchNorm : torch::autograd::Function<SynchronisedBatchNorm> {
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& mean,
                               const torch::Tensor& var, double count, double eps,
                               c10::intrusive_ptr<SumCapsule> sum) {
    context->save_for_backward({x, weight, mean, var});
    context->saved_data["count"] = count;
    context->saved_data["eps"] = eps;
    context->saved_data["sum"] = c10::IValue::make_capsule(std::move(sum));
    return torch::batch_norm(x, weight, bias, mean, var, /*training=*/false, 0.0, eps, false);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const auto saved = context->get_saved_variables();
    const torch::Tensor &x = saved[0], &weight = saved[1], &mean = saved[2], &var = saved[3];
    const double count = context->saved_data["count"].toDouble(), eps = context->saved_data["eps"].toDouble();
    const auto capsule = context->saved_data["sum"].toCapsule();
    const BatchSum& batch_sum = static_cast<SumCapsule*>(capsule.get())->sum;
    const torch::Tensor& w = weight;
    const torch::Tensor dy = gradients[0].contiguous();
    auto [dx, weight_grad, bias_grad] = at::native_batch_norm_backward(dy, x, w, mean, var, {}, {}, /*train=*/false,
                                                                       eps, {true, true, true});
    const int64_t c = mean.size(0);
    const torch::Tensor invstd = torch::rsqrt(var + eps);
    // weight_grad = sum(dy * (x - mean)) * invstd, bias_grad = sum(dy), over this process's values.
    const torch::Tensor total = batch_sum(torch::cat({bias_grad, weight_grad / invstd}));
    const torch::Tensor mean_dy = total.narrow(0, 0, c) / count, mean_dy_xmu = total.narrow(0, c, c) / count;
    // dx = w invstd (dy - mean_dy - (x - mean) invstd^2 mean_dy_xmu) = dy w invstd - (x k1 + k0).
    const torch::Tensor k1 = w * invstd.pow(3) * mean_dy_xmu;
    const torch::Tensor k0 = w * invstd * mean_dy - mean * k1;
    dx.addcmul_(x, k1.view({1, -1, 1, 1}), -1).sub_(k0.view({1, -1, 1, 1}));
    return {dx, weight_grad, bias_grad, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

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
  const Statistics whole = whole_batch(x, tracking ? running_mean : torch::Tensor(), batch_sum);
  WAVETWIN_CHECK(whole.count > 1, "BatchNorm2d: ", whole.count, " value per channel in the whole batch; expected more ",
                 "than 1 in training");
  if (tracking) {
    torch::NoGradGuard no_grad;
    running_mean.mul_(1 - factor).add_(whole.mean, factor);
    running_var.mul_(1 - factor).add_(whole.var * (whole.count / (whole.count - 1)), factor);  // unbiased, as torch's
  }
  // Without affine parameters, constant ones (their gradients are dropped): autograd takes no undefined inputs.
  return SynchronisedBatchNorm::apply(x, options.affine() ? weight : torch::ones({c}, x.options()),
                                      options.affine() ? bias : torch::zeros({c}, x.options()), whole.mean, whole.var,
                                      whole.count, options.eps(), c10::make_intrusive<SumCapsule>(batch_sum));
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
