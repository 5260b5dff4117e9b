// tests/dist/tiny_model.h: the data-parallel equivalence workloads shared by the test and its rank processes:
// a float64 two-layer network without batch norm, global batches drawn from a fixed seed, SGD with momentum;
// and the trainer's own loop (train::Trainer) on a float64 convolutional model, with or without batch
// normalisation, and 40 random images.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/data/source.h"
#include "wavetwin/dist/gradient_reducer.h"
#include "wavetwin/dist/world.h"
#include "wavetwin/layers/batch_norm.h"
#include "wavetwin/layers/bn0.h"
#include "wavetwin/models/model.h"
#include "wavetwin/train/trainer.h"

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
    dist::zero_gradients(net);  // the reducer's gradients are views: zeroed in place
    loss_of(step, x, labels).backward();
    sgd.step();
  }
}

/// A model of the zoo's interface without dropout, computing in float64 (its input is converted), so that a
/// step on the whole batch and the ranks' steps on its parts differ by rounding only; with `batch_norm`, a
/// BatchNorm2d after the convolution and a BN0 after the ReLU (their batch statistics differ between a part
/// and the whole batch unless synchronised).
class TinyConvNet : public models::Model {
 public:
  explicit TinyConvNet(bool batch_norm = false) : models::Model(spec()) {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)));
    if (batch_norm) {
      bn = register_module("bn", layers::BatchNorm2d(4));
      bn0 = register_module("bn0", layers::BN0(layers::BN0Options(4)));
    }
    fc = register_module("fc", torch::nn::Linear(4, 3));
    to(torch::kFloat64);
  }
  static models::ModelSpec spec() {
    models::ModelSpec s;
    s.classes = 3;
    return s;
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    if (!bn) return fc(torch::relu(conv(x.to(torch::kFloat64))).mean({2, 3}));
    return fc(bn0(torch::relu(bn(conv(x.to(torch::kFloat64))))).mean({2, 3}));
  }
  torch::Tensor forward_traced(const torch::Tensor& x, std::vector<models::TraceStep>&) override { return forward(x); }
  torch::nn::Conv2d conv{nullptr};
  layers::BatchNorm2d bn{nullptr};
  layers::BN0 bn0{nullptr};
  torch::nn::Linear fc{nullptr};
};

/// How a trainer run of the tiny workload goes.
struct TinyRun {
  std::string checkpoint_dir;
  int64_t epochs = 2;
  std::optional<int64_t> stop_after;
  bool resume = false;
  /// Pause after every step (gives the killed-rank test time to act).
  int64_t step_delay_ms = 0;
  /// TinyConvNet with batch normalisations; synchronised over the ranks.
  bool batch_norm = false, sync_batch_norm = false;
};

/// Trains TinyConvNet with train::Trainer on 40 random 12 x 12 images (10 for validation): batches of 12 in two
/// micro-batches of 6 (split unevenly over 4 ranks), three steps an epoch. Returns the trained parameters, then
/// the buffers (batch normalisation's running statistics).
inline std::vector<torch::Tensor> train_tiny_trainer(dist::World* world, const TinyRun& run) {
  torch::manual_seed(5);
  const auto images = torch::randint(0, 256, {50, 12, 12, 3}, torch::kInt64).to(torch::kUInt8);
  const auto labels = torch::randint(0, 3, {50}, torch::kInt64);
  const std::vector<std::string> classes{"a", "b", "c"};
  data::DataSplits splits;
  splits.train = std::make_shared<data::TensorDataset>(images.narrow(0, 0, 40), labels.narrow(0, 0, 40), classes, "train");
  splits.val = std::make_shared<data::TensorDataset>(images.narrow(0, 40, 10), labels.narrow(0, 40, 10), classes, "val");
  // Each rank initialises its own model differently: the trainer starts them all from rank 0's.
  torch::manual_seed(17 + (world ? static_cast<uint64_t>(world->rank()) : 0));
  auto model = std::make_shared<TinyConvNet>(run.batch_norm);
  train::TrainerOptions options;
  options.recipe.batch = 12, options.recipe.accumulate = 2, options.recipe.size = 8, options.recipe.crop_scale = 0.3;
  options.recipe.epochs = run.epochs, options.recipe.lr = 0.05, options.recipe.schedule = train::Schedule::kConstant;
  options.checkpoint_dir = run.checkpoint_dir;
  options.seed = 11;
  options.loader_threads = 1;
  options.stop_after = run.stop_after;
  options.world = world;
  options.sync_batch_norm = run.sync_batch_norm;
  if (run.step_delay_ms > 0) {
    options.progress = [delay = run.step_delay_ms](const train::Progress&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    };
  }
  train::Trainer trainer(model, splits, options, nullptr, 0);
  if (run.resume) trainer.resume();
  trainer.run();
  std::vector<torch::Tensor> state = model->parameters();
  for (const auto& b : model->buffers()) state.push_back(b);
  return state;
}

}  // namespace wavetwin::test
