// bench/dtcwt_bench.cpp: DTCWT throughput (images/s): 2-D forward, forward + backward to the input, and
// inverse, float32, one channel, all hardware threads, near_sym_a / qshift_a (pytorch_wavelets' defaults).
// The workload is 224x224, batch 32, J = 3; the comparison with python3-dtcwt and pytorch_wavelets
// runs from Python (bench/python/dtcwt_bench.py).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "wavetwin/wavelets/dtcwt.h"

namespace {

using wavetwin::wavelets::DtcwtOptions;
using wavetwin::wavelets::DtcwtPyramid;

torch::Tensor input(const benchmark::State& state) {
  return torch::rand({state.range(1), 1, state.range(0), state.range(0)});
}

void BM_Dtcwt2dForward(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = input(state);
  const auto o = DtcwtOptions(state.range(2));
  for (auto _ : state) benchmark::DoNotOptimize(wavetwin::wavelets::dtcwt2d(x, o));
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

void BM_Dtcwt2dForwardBackward(benchmark::State& state) {
  const torch::Tensor x = input(state).requires_grad_(true);
  const auto o = DtcwtOptions(state.range(2));
  for (auto _ : state) {
    const DtcwtPyramid p = wavetwin::wavelets::dtcwt2d(x, o);
    torch::Tensor loss = p.lowpass.sum();
    for (const auto& h : p.highpasses) loss = loss + h.sum();
    benchmark::DoNotOptimize(torch::autograd::grad({loss}, {x}));
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

void BM_Dtcwt2dInverse(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  const auto o = DtcwtOptions(state.range(2));
  const DtcwtPyramid p = wavetwin::wavelets::dtcwt2d(input(state), o);
  for (auto _ : state) benchmark::DoNotOptimize(wavetwin::wavelets::idtcwt2d(p.lowpass, p.highpasses, o));
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

void workloads(benchmark::internal::Benchmark* b) {
  b->ArgNames({"size", "batch", "J"});
  b->Args({224, 32, 3})->Args({32, 256, 3});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_Dtcwt2dForward)->Apply(workloads);
BENCHMARK(BM_Dtcwt2dForwardBackward)->Apply(workloads);
BENCHMARK(BM_Dtcwt2dInverse)->Apply(workloads);

}  // namespace
