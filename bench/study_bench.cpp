// bench/study_bench.cpp: throughput of the per-filter study (the measures only, images already decoded):
// batches of 224 x 225 grey images (two crops one pixel apart), J = 2 and 3, float32, all threads.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "wavetwin/study/filter_study.h"

namespace {

void BM_FilterStudy(benchmark::State& state) {
  const torch::Tensor images = torch::rand({state.range(1), 1, state.range(0), state.range(0) + 1});
  wavetwin::study::FilterStudy study(wavetwin::study::FilterStudyOptions().levels(state.range(2)).shift({0, 1}));
  for (auto _ : state) study.add(images);
  state.SetItemsProcessed(state.iterations() * state.range(1));
}

BENCHMARK(BM_FilterStudy)->ArgNames({"size", "batch", "J"})->Args({224, 32, 2})->Args({224, 32, 3})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
