// bench/model_bench.cpp: training throughput of the zoo's models (forward, cross-entropy, backward, SGD step
// with momentum and weight decay), images/s, and the process's peak resident memory during the benchmark.
// CIFAR-sized ResNets (batch 256, 3 x 32 x 32, 10 classes) and ImageNet-sized AlexNets (batch 32, 224 x 224).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <fstream>
#include <string>

#include "wavetwin/models/model.h"

namespace {

// Resets the kernel's peak-RSS record of this process (VmHWM), so each benchmark reports its own peak.
void reset_peak_memory() { std::ofstream("/proc/self/clear_refs") << "5"; }

double peak_memory_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

void train_step(benchmark::State& state, const std::string& name, int64_t batch, int64_t size) {
  const auto model = wavetwin::models::make_model(wavetwin::models::parse_model_spec(name));
  model->train();
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9).weight_decay(1e-4));
  const torch::Tensor x = torch::rand({batch, 3, size, size});
  const torch::Tensor labels = torch::randint(model->spec().classes, {batch}, torch::kLong);
  const auto step = [&] {
    sgd.zero_grad();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), labels);
    loss.backward();
    sgd.step();
  };
  step();  // first-call allocations and oneDNN primitive creation
  reset_peak_memory();
  for (auto _ : state) step();
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["peak_MiB"] = peak_memory_mib();
}

void BM_TrainCifar(benchmark::State& state, const std::string& name) { train_step(state, name, 256, 32); }
void BM_TrainImageNetAlexNet(benchmark::State& state, const std::string& name) { train_step(state, name, 32, 224); }

BENCHMARK_CAPTURE(BM_TrainCifar, R18C, std::string("R18C"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainCifar, R18wyC, std::string("R18wyC"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainCifar, R18wyC_mod, std::string("R18wyC_mod"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainImageNetAlexNet, AI, std::string("AI"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainImageNetAlexNet, AwyI, std::string("AwyI"))->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainImageNetAlexNet, AwyI_mod, std::string("AwyI_mod"))
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
