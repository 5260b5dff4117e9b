// apps/wavetwin/main.cpp: the wavetwin command-line tool.
#include <torch/torch.h>

#include <malloc.h>

#include <iostream>
#include <thread>

#include "commands.h"
#include "wavetwin/error.h"

int main(int argc, char** argv) {
  // Keep freed buffers of up to 256 MiB in the heap instead of returning them to the system: decoded images
  // and per-batch maps come and go at every step, and fresh pages cost ~12 us each to fault in on this kind of VM.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  CLI::App app{"wavetwin: shift-invariant CNNs with complex wavelets (DT-CWPT, RMax, CMod, twin models)"};
  app.require_subcommand(1);
  const wavetwin::cli::Runner runners[] = {
      wavetwin::cli::add_transform(app),
      wavetwin::cli::add_filters(app),
      wavetwin::cli::add_theory(app),
      wavetwin::cli::add_study(app),
      wavetwin::cli::add_kernels(app),
      wavetwin::cli::add_models(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    for (const auto& run : runners) run();
  } catch (const wavetwin::Error& e) {
    std::cerr << "wavetwin: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "wavetwin: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
