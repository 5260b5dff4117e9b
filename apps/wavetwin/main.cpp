// apps/wavetwin/main.cpp: the wavetwin command-line tool.
#include <torch/torch.h>

#include <iostream>

#include "commands.h"
#include "wavetwin/error.h"
#include "wavetwin/runtime.h"

int main(int argc, char** argv) {
  wavetwin::configure_process();
  CLI::App app{"wavetwin: shift-invariant CNNs with complex wavelets (DT-CWPT, RMax, CMod, twin models)"};
  app.require_subcommand(1);
  const wavetwin::cli::Runner runners[] = {
      wavetwin::cli::add_transform(app),
      wavetwin::cli::add_filters(app),
      wavetwin::cli::add_theory(app),
      wavetwin::cli::add_study(app),
      wavetwin::cli::add_kernels(app),
      wavetwin::cli::add_models(app),
      wavetwin::cli::add_train(app),
      wavetwin::cli::add_runs(app),
      wavetwin::cli::add_eval(app),
      wavetwin::cli::add_report(app),
      wavetwin::cli::add_demo(app),
  };
  // One line, as every other error: what is wrong; the options are in the subcommand's --help.
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return "wavetwin: " + std::string(e.what()) + " (see --help)\n"; });
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
  } catch (const wavetwin::Interrupted& e) {
    std::cerr << "wavetwin: " << e.what() << "\n";
    return 130;
  } catch (const c10::Error& e) {
    // libtorch's own errors carry a backtrace; its first line says what went wrong.
    std::cerr << "wavetwin: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "wavetwin: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
