// src/dist/gradient_reducer.cpp: c10d::Reducer over a module's trainable parameters.
#include "wavetwin/dist/gradient_reducer.h"

#include <torch/csrc/distributed/c10d/reducer.hpp>
#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::dist {

GradientReducer::GradientReducer(World& world, torch::nn::Module& module, GradientReducerOptions options) {
  std::vector<torch::Tensor> parameters;
  std::unordered_map<size_t, std::string> names;
  for (const auto& item : module.named_parameters()) {
    if (!item.value().requires_grad()) continue;
    names[parameters.size()] = item.key();
    parameters.push_back(item.value());
  }
  WAVETWIN_CHECK(!parameters.empty(), "distributed training: the model has no trainable parameter");
  WAVETWIN_CHECK(options.bucket_bytes > 0 && options.first_bucket_bytes > 0, "gradient buckets of ",
                 options.bucket_bytes, " and ", options.first_bucket_bytes, " bytes; expected > 0");
  // DistributedDataParallel's assignment: buckets filled in reverse order of registration, roughly the
  // order in which the backward pass produces the gradients.
  const auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
      parameters, {static_cast<size_t>(options.first_bucket_bytes), static_cast<size_t>(options.bucket_bytes)},
      std::vector<bool>(parameters.size(), false));
  std::vector<std::vector<size_t>> reversed(buckets.rbegin(), buckets.rend());
  std::vector<size_t> reversed_limits(limits.rbegin(), limits.rend());
  buckets_ = static_cast<int64_t>(reversed.size());
  reducer_ = std::make_unique<c10d::Reducer>(parameters, reversed, reversed_limits, world.group(),
                                             std::vector<bool>(parameters.size(), false), options.bucket_bytes,
                                             /*find_unused_parameters=*/false, /*gradient_as_bucket_view=*/true,
                                             names, options.first_bucket_bytes);
}

GradientReducer::~GradientReducer() = default;

void GradientReducer::prepare_forward() {
  // As DistributedDataParallel before each synchronised forward: after the first backward pass the buckets
  // are rebuilt once in the order the gradients became ready (agreed with rank 0; a collective).
  reducer_->rebuild_buckets();
  reducer_->prepare_for_forward();
}

void zero_gradients(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
}

void GradientReducer::prepare_backward(const torch::Tensor& output) { reducer_->prepare_for_backward({output}); }

}  // namespace wavetwin::dist
