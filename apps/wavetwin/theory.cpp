// apps/wavetwin/theory.cpp: `wavetwin theory`: flags to study::TheoryMapOptions, the map's range printed.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "print.h"

namespace wavetwin::cli {

void print_theory(const study::TheoryMap& map) {
  print_output(map.output);
  std::printf("gamma_%lld(%lld theta)^2 on a %lldx%lld grid: min %.4f, mean %.4f, max %.4f (gamma(0)^2 = 1.5)\n",
              static_cast<long long>(map.q), static_cast<long long>(map.m), static_cast<long long>(map.grid),
              static_cast<long long>(map.grid), map.min, map.mean, map.max);
  std::fflush(stdout);
}

Runner add_theory(CLI::App& app) {
  auto o = std::make_shared<study::TheoryMapOptions>();
  CLI::App* sub = app.add_subcommand(
      "theory", "Map the RMax/CMod discrepancy gamma_q(m theta)^2 predicted by the theory over the frequency plane");
  sub->add_option("--m", o->m, "Subsampling factor m of the convolution (2 for J = 2, 4 for J = 3)")
      ->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--q", o->q, "Max-pooling half-width q ((2q+1)^2 window)")->capture_default_str()
      ->check(CLI::Range(1, 16));
  sub->add_option("--grid", o->grid, "Frequencies per axis")->capture_default_str()->check(CLI::Range(8, 4096));
  add_optional(sub, "--packets", o->packets, "Overlay the characteristic frequencies of the DT-CWPT packets of this depth J")
      ->check(CLI::Range(1, 5));
  sub->add_option("--out", o->out, "Output directory (gamma.csv, gamma.png, gamma.gp)")->required();
  return [sub, o] {
    if (sub->parsed()) print_theory(study::write_theory_map(*o));
  };
}

}  // namespace wavetwin::cli
