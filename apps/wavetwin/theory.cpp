// apps/wavetwin/theory.cpp: `wavetwin theory`: the map of gamma_q(m theta)^2 over the frequency plane.
#include <torch/torch.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/report/table.h"
#include "wavetwin/study/theory.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::cli {

void run_theory(const TheoryArgs& args) {
  const auto dir = output_dir(args.out);
  const torch::Tensor gamma = study::gamma_map(args.m, args.q, args.grid);

  // CSV as a matrix: the first row holds xi_col, the first column xi_row (radians per sample).
  std::vector<std::string> header{"xi_row\\xi_col"};
  const auto theta = [&](int64_t k) { return -M_PI + 2 * M_PI * k / args.grid; };
  for (int64_t j = 0; j < args.grid; ++j) header.push_back(report::cell(theta(j), 9));
  report::Table table(header);
  const auto g = gamma.accessor<double, 2>();
  for (int64_t i = 0; i < args.grid; ++i) {
    std::vector<std::string> row{report::cell(theta(i), 9)};
    for (int64_t j = 0; j < args.grid; ++j) row.push_back(report::cell(g[i][j], 7));
    table.add_row(std::move(row));
  }
  table.write_csv((dir / "gamma.csv").string());
  std::printf("wrote %s\n", (dir / "gamma.csv").c_str());

  report::Panel panel = report::frequency_panel(
      "γ_q(mθ)² for m = " + std::to_string(args.m) + ", q = " + std::to_string(args.q), "γ²");
  // The figure is ~450 pixels wide: a finer lattice only slows gnuplot down (the CSV keeps the full grid).
  const int64_t shown = std::min<int64_t>(args.grid, 256);
  panel.heat_map = report::frequency_lattice(shown == args.grid ? gamma : study::gamma_map(args.m, args.q, shown));
  panel.colour_min = 0;
  if (args.packets > 0) {
    std::vector<std::array<double, 2>> frequencies;
    for (const auto& p : wavelets::packet_table(args.packets)) {
      if (!p.lowpass) frequencies.push_back({p.freq_row, p.freq_col});
    }
    panel.series.push_back(report::frequency_points(
        frequencies, "DT-CWPT packets, J = " + std::to_string(args.packets), "#d62728"));
    panel.legend = "bottom right";
  }
  write_figure(report::Figure{"", {panel}, 1, 620, 540}, dir / "gamma.png");
  std::printf("gamma_%lld(%lld theta)^2 on a %lldx%lld grid: min %.4f, mean %.4f, max %.4f (gamma(0)^2 = 1.5)\n",
              static_cast<long long>(args.q), static_cast<long long>(args.m), static_cast<long long>(args.grid),
              static_cast<long long>(args.grid), gamma.min().item<double>(), gamma.mean().item<double>(),
              gamma.max().item<double>());
}


Runner add_theory(CLI::App& app) {
  auto args = std::make_shared<TheoryArgs>();
  CLI::App* sub = app.add_subcommand(
      "theory", "Map the RMax/CMod discrepancy gamma_q(m theta)^2 predicted by the theory over the frequency plane");
  sub->add_option("--m", args->m, "Subsampling factor m of the convolution (2 for J = 2, 4 for J = 3)")
      ->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--q", args->q, "Max-pooling half-width q ((2q+1)^2 window)")->capture_default_str()
      ->check(CLI::Range(1, 16));
  sub->add_option("--grid", args->grid, "Frequencies per axis")->capture_default_str()->check(CLI::Range(8, 4096));
  sub->add_option("--packets", args->packets,
                  "Overlay the characteristic frequencies of the DT-CWPT packets of this depth J")
      ->check(CLI::Range(1, 5));
  sub->add_option("--out", args->out, "Output directory (gamma.csv, gamma.png, gamma.gp)")->required();
  return [sub, args] {
    if (sub->parsed()) run_theory(*args);
  };
}

}  // namespace wavetwin::cli
