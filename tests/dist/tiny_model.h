// tests/dist/tiny_model.h: the data-parallel equivalence workload shared by the test and its rank processes:
// a float64 two-layer network without batch norm, global batches drawn from a fixed seed, SGD with momentum.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace wavetwin::test {

struct TinyNet : torch::nn::Module {
  explicit TinyNet(uint64_t seed) {
    torch::manual_seed(seed);
    first = register_module("first", torch::nn::Linear(5, 7));
    second = register_module("second", torch::nn::Linear(7, 3));
    to(torch::kFloat64);
  }
  torch::Tensor forward(const torch::Tensor& x) { return second(torch::tanh(first(x))); }
  torch::nn::Linear first{nullptr}, second{nullptr};
};

inline constexpr int kTinySteps = 6;

/// Global batch `step` (sizes 10 and 11 alternate, so that splits over 2 and 3 ranks are uneven): inputs and labels.
inline std::pair<torch::Tensor, torch::Tensor> tiny_batch(int step) {
  torch::manual_seed(1000 + step);
  const int64_t n = 10 + step % 2;
  return {torch::randn({n, 5}, torch::kFloat64), torch::randint(0, 3, {n}, torch::kInt64)};
}

/// Trains `net` for kTinySteps; `loss_of(step, x, labels)` runs the forward pass of the global batch (x,
/// labels), or of a rank's part of it, and gives the loss to back-propagate.
inline void train_tiny(TinyNet& net, const std::function<torch::Tensor(int, const torch::Tensor&, const torch::Tensor&)>& loss_of) {
  torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  for (int step = 0; step < kTinySteps; ++step) {
    const auto [x, labels] = tiny_batch(step);
    sgd.zero_grad();
    loss_of(step, x, labels).backward();
    sgd.step();
  }
}

}  // namespace wavetwin::test
