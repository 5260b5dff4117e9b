// bench/dtcwpt_bench.cpp: DT-CWPT throughput (images/s) on CIFAR-like 32x32 and ImageNet-like 224x224
// inputs, forward and forward + backward, next to the straightforward separable-convolution path and a
// plain conv2d of similar arithmetic as yardsticks. Float32, one input channel, all hardware threads; real = 1:
// the real parts alone (what the RMax twins compute).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "wavetwin/wavelets/dtcwpt.h"

namespace {

using wavetwin::wavelets::DtCwptOptions;

torch::Tensor input(const benchmark::State& state) {
  return torch::rand({state.range(1), 1, state.range(0), state.range(0)});
}

DtCwptOptions options(const benchmark::State& state) {
  return DtCwptOptions(state.range(2)).stride(state.range(3)).real_only(state.range(4) != 0);
}

void BM_DtCwpt2dForward(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = input(state);
  const torch::Tensor filters = wavetwin::wavelets::dual_tree_filter_tensor("qshift_a");
  for (auto _ : state) benchmark::DoNotOptimize(wavetwin::wavelets::dtcwpt2d(x, filters, options(state)));
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

void BM_DtCwpt2dForwardBackward(benchmark::State& state) {
  const torch::Tensor x = input(state).requires_grad_(true);
  const torch::Tensor filters = wavetwin::wavelets::dual_tree_filter_tensor("qshift_a");
  const torch::Tensor grad = torch::rand_like(wavetwin::wavelets::dtcwpt2d(x.detach(), filters, options(state)));
  for (auto _ : state) {
    const torch::Tensor y = wavetwin::wavelets::dtcwpt2d(x, filters, options(state));
    benchmark::DoNotOptimize(torch::autograd::grad({y}, {x}, {grad}));
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

// The straightforward path (separable equivalent filters through torch::conv2d): the test oracle.
void BM_DtCwpt2dSeparableForward(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const auto o = options(state);
  const torch::Tensor x = wavetwin::wavelets::detail::pad_input(input(state), o, 2);
  const torch::Tensor filters = wavetwin::wavelets::dual_tree_filter_tensor("qshift_a", torch::kFloat32);
  for (auto _ : state) benchmark::DoNotOptimize(wavetwin::wavelets::detail::dtcwpt2d_separable(x, filters, o));
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

// Yardstick: a dense 3x3 conv2d 1 -> 64 channels at stride 1 (about 29 MFLOP per 224x224 image).
void BM_Conv2dYardstick(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = input(state);
  const torch::Tensor w = torch::rand({64, 1, 3, 3});
  for (auto _ : state) benchmark::DoNotOptimize(torch::conv2d(x, w, {}, 1, 1));
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

void workloads(benchmark::internal::Benchmark* b) {
  b->ArgNames({"size", "batch", "J", "S", "real"});
  b->Args({224, 32, 2, 2, 0})->Args({224, 32, 3, 4, 0})->Args({32, 256, 2, 2, 0});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

void with_real_parts(benchmark::internal::Benchmark* b) {
  workloads(b);
  b->Args({224, 32, 2, 2, 1})->Args({32, 256, 2, 2, 1});
}

BENCHMARK(BM_DtCwpt2dForward)->Apply(with_real_parts);
BENCHMARK(BM_DtCwpt2dForwardBackward)->Apply(with_real_parts);
BENCHMARK(BM_DtCwpt2dSeparableForward)->Apply(workloads);
BENCHMARK(BM_Conv2dYardstick)->Apply(workloads);

}  // namespace
