// wavetwin/layers/bn0.h: BN0, batch normalisation of moduli without centring (wcnn's
// `BatchNormOnGaborModulus2d`, reference-system.md 3.2).
//
//   y = x / sqrt(e_c / 2 + eps) * |gamma_c| + beta_c,
// with e_c = mean over (N, H, W) of x^2 in training (differentiated through) and the running energy in
// evaluation; running_var <- (1 - momentum) running_var + momentum e_c (no Bessel correction). There is no
// mean subtraction (running_mean is kept at 0 for state-dict compatibility with BatchNorm2d). With a batch sum
// (layers/batch_norm.h), e_c is the mean over the whole batch spread over the processes.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "wavetwin/layers/batch_norm.h"

namespace wavetwin::layers {

/// Example: `BN0 bn(BN0Options(/*channels=*/24));`
struct BN0Options {
  explicit BN0Options(int64_t channels) : channels_(channels) {}
  /// Number of channels C.
  TORCH_ARG(int64_t, channels);
  /// Added to e_c / 2 under the square root.
  TORCH_ARG(double, eps) = 1e-5;
  /// Weight of the batch energy in the running energy.
  TORCH_ARG(double, momentum) = 0.1;
};

/// The functional form. x: (N, C, H, W) real, non-negative in practice (moduli). Updates running_var in place
/// when `training`; `batch_sum` (if set) makes e_c the whole batch's.
torch::Tensor bn0(const torch::Tensor& x, torch::Tensor& running_var, const torch::Tensor& weight,
                  const torch::Tensor& bias, bool training, const BN0Options& options, const BatchSum& batch_sum = {});

class BN0Impl : public torch::nn::Cloneable<BN0Impl> {
 public:
  explicit BN0Impl(const BN0Options& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& x);

  BN0Options options;
  torch::Tensor weight, bias;                                 ///< gamma = 1, beta = 0
  torch::Tensor running_mean, running_var, num_batches_tracked;
  /// Null: this process's batch alone.
  BatchSum batch_sum;
};
TORCH_MODULE(BN0);

}  // namespace wavetwin::layers
