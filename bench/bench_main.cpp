// bench/bench_main.cpp: the benchmark binary's entry point, with the CLI's process settings.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "wavetwin/runtime.h"

int main(int argc, char** argv) {
  wavetwin::configure_process();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
