// bench/bench_main.cpp: the benchmark binary's entry point: all hardware threads, as the CLI.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <thread>

int main(int argc, char** argv) {
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
