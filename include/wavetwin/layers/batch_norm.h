// wavetwin/layers/batch_norm.h: BatchNorm2d (torch's, same parameters, buffers and names) whose batch
// statistics can be those of a batch spread over several processes: synchronised batch normalisation.
//
// The layers do not know how the processes talk: a BatchSum, given by the caller (dist::batch_sum for the ranks of
// a data-parallel job), sums a tensor over the processes that hold the parts of the batch and back-propagates by
// summing the gradients likewise. In training, each channel's sums of (x - K) and (x - K)^2 and the count are
// summed in one call; K is the running mean (zero without running statistics), the same on every process,
// which keeps the variance free of the cancellation of E[x^2] - E[x]^2 once the running mean is near the batch
// mean. The normalisation and the running statistics are then those of the whole batch.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/options/batchnorm.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <functional>

namespace wavetwin::layers {

/// Sums a tensor over the processes that share a batch, differentiably; every process calls it in the same order.
using BatchSum = std::function<torch::Tensor(const torch::Tensor&)>;

/// torch::nn::BatchNorm2d's computation, parameters and buffers (weight, bias, running_mean, running_var,
/// num_batches_tracked): its checkpoints load into either. Written out rather than derived from
/// torch::nn::BatchNorm2dImpl, whose base's methods libtorch does not export.
class BatchNorm2dImpl : public torch::nn::Cloneable<BatchNorm2dImpl> {
 public:
  explicit BatchNorm2dImpl(int64_t channels) : BatchNorm2dImpl(torch::nn::BatchNormOptions(channels)) {}
  explicit BatchNorm2dImpl(const torch::nn::BatchNormOptions& options);
  void reset() override;
  /// "wavetwin::layers::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)".
  void pretty_print(std::ostream& stream) const override;
  /// x: (N, C, H, W). With `batch_sum` set, in training, the statistics of the whole batch.
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::BatchNormOptions options;
  torch::Tensor weight, bias;  ///< gamma = 1, beta = 0; undefined unless affine
  torch::Tensor running_mean, running_var, num_batches_tracked;  ///< undefined unless track_running_stats
  /// Null: this process's batch alone.
  BatchSum batch_sum;
};
TORCH_MODULE(BatchNorm2d);

/// Sets the batch sum of every batch normalisation of `module` (BatchNorm2d and BN0, at any depth); a null `sum`
/// returns them to per-process statistics. Returns how many layers were set.
int64_t set_batch_sum(torch::nn::Module& module, const BatchSum& sum);

}  // namespace wavetwin::layers
