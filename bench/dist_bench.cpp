// bench/dist_bench.cpp: the data-parallel training step of R18wyC_mod on a CIFAR-sized global batch of 256
// (3 x 32 x 32, 10 classes): one process alone, or one rank of several when started with torchrun's
// variables (bench/dist_scaling.sh starts them). Each rank forwards its part of the batch and c10d's Reducer
// (dist::GradientReducer) all-reduces the gradients during the backward pass. images/s counts the global
// batch; exposed_comm_ms is the step's time beyond the same rank's step without the reduction: the
// communication the backward pass does not hide. The _sync_bn variant also synchronises the batch
// normalisations (--sync-bn), whose all-reduces then count as exposed communication.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>

#include "wavetwin/data/loader.h"
#include "wavetwin/dist/gradient_reducer.h"
#include "wavetwin/dist/sync_batch_norm.h"
#include "wavetwin/dist/world.h"
#include "wavetwin/models/model.h"

namespace {

using wavetwin::dist::World;

World* world() {
  static const std::unique_ptr<World> joined = []() -> std::unique_ptr<World> {
    const auto options = wavetwin::dist::world_from_environment();
    return options ? std::make_unique<World>(*options) : nullptr;
  }();
  return joined.get();
}

void BM_DataParallelStep(benchmark::State& state, const std::string& name, bool sync_batch_norm) {
  constexpr int64_t kBatch = 256;
  World* w = world();
  const int64_t ranks = w ? w->size() : 1;
  const wavetwin::dist::WorldOptions alone;
  torch::set_num_threads(static_cast<int>(wavetwin::dist::threads_per_rank(w ? w->options() : alone)));
  torch::manual_seed(0);
  const auto model = wavetwin::models::make_model(wavetwin::models::parse_model_spec(name));
  model->train();
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9).weight_decay(1e-4));
  const int64_t part = wavetwin::data::batch_slice(kBatch, ranks, w ? w->rank() : 0).count;
  const torch::Tensor x = torch::rand({part, 3, 32, 32});
  const torch::Tensor labels = torch::randint(model->spec().classes, {part}, torch::kLong);
  std::unique_ptr<wavetwin::dist::GradientReducer> reducer;
  if (w) {
    wavetwin::dist::broadcast_module(*w, *model);
    reducer = std::make_unique<wavetwin::dist::GradientReducer>(*w, *model);
  }
  const auto step = [&](bool reduce) {
    wavetwin::dist::zero_gradients(*model);
    if (reduce && reducer) reducer->prepare_forward();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), labels);
    if (reduce && reducer) reducer->prepare_backward(loss);
    loss.backward();
    sgd.step();
  };
  const auto seconds_per_step = [&](bool reduce, int steps) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) step(reduce);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
  };
  step(true);  // oneDNN primitives
  step(true);  // the reducer's bucket rebuild
  const double compute = seconds_per_step(false, 3);
  if (w && sync_batch_norm) wavetwin::dist::synchronise_batch_norm(*model, *w);
  if (w) w->barrier();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) step(true);
  const double per_step =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["ranks"] = static_cast<double>(ranks);
  state.counters["threads"] = torch::get_num_threads();
  if (w) state.counters["exposed_comm_ms"] = 1000 * (per_step - compute);
}

// A fixed number of steps: every rank must run the same number of collectives.
BENCHMARK_CAPTURE(BM_DataParallelStep, R18wyC_mod, std::string("R18wyC_mod"), false)
    ->Iterations(12)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_DataParallelStep, R18wyC_mod_sync_bn, std::string("R18wyC_mod"), true)
    ->Iterations(12)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
