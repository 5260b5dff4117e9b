// wavetwin/dist/gradient_reducer.h: DistributedDataParallel's gradient reduction for a libtorch module:
// c10d::Reducer all-reduces the gradients in buckets while the backward pass is still running, and leaves
// every parameter's gradient averaged over the ranks when backward() returns.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

#include "wavetwin/dist/world.h"

namespace c10d {
class Reducer;
}  // namespace c10d

namespace wavetwin::dist {

struct GradientReducerOptions {
  /// Bucket size (DistributedDataParallel's bucket_cap_mb, 25 MiB) and the first bucket's (1 MiB, so that
  /// communication starts early in the backward pass).
  int64_t bucket_bytes = int64_t{25} << 20, first_bucket_bytes = int64_t{1} << 20;
};

/// Usage, per step on every rank: zero_gradients(module); prepare_forward(); out = model(x); loss = f(out);
/// prepare_backward(loss); loss.backward(); optimizer.step(). Every trainable parameter must receive a
/// gradient in every step. The gradients are views of the reducer's buckets (no copy in and out of them).
class GradientReducer {
 public:
  /// The module's trainable parameters (requires_grad), in registration order, bucketed by size.
  GradientReducer(World& world, torch::nn::Module& module, GradientReducerOptions options = {});
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  void prepare_forward();
  /// Arms the reduction for the backward pass that starts from `output` (the loss, or the model's output).
  void prepare_backward(const torch::Tensor& output);
  /// Parameters per bucket, in the order the buckets are reduced.
  int64_t buckets() const { return buckets_; }

 private:
  std::unique_ptr<c10d::Reducer> reducer_;
  int64_t buckets_ = 0;
};

/// Zeroes the module's gradients in place: libtorch's Optimizer::zero_grad() detaches them in place, which the
/// reducer's bucket views do not allow.
void zero_gradients(torch::nn::Module& module);

}  // namespace wavetwin::dist
