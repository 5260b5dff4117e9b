// src/study/theory_map.cpp: the theory-map workflow.
#include "wavetwin/study/theory_map.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/error.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/study/theory.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::study {

TheoryMap write_theory_map(const TheoryMapOptions& o) {
  WAVETWIN_CHECK(o.m >= 1 && o.q >= 1 && o.grid >= 8, "theory map: m ", o.m, ", q ", o.q, ", grid ", o.grid,
                 "; expected m >= 1, q >= 1, grid >= 8");
  const auto dir = report::output_dir(o.out);
  const torch::Tensor gamma = gamma_map(o.m, o.q, o.grid);
  TheoryMap result;
  result.m = o.m, result.q = o.q, result.grid = o.grid;

  // CSV as a matrix: the first row holds xi_col, the first column xi_row (radians per sample).
  std::vector<std::string> header{"xi_row\\xi_col"};
  const auto theta = [&](int64_t k) { return -M_PI + 2 * M_PI * k / o.grid; };
  for (int64_t j = 0; j < o.grid; ++j) header.push_back(report::cell(theta(j), 9));
  report::Table table(header);
  const auto g = gamma.accessor<double, 2>();
  for (int64_t i = 0; i < o.grid; ++i) {
    std::vector<std::string> row{report::cell(theta(i), 9)};
    for (int64_t j = 0; j < o.grid; ++j) row.push_back(report::cell(g[i][j], 7));
    table.add_row(std::move(row));
  }
  report::write_csv(dir / "gamma.csv", table, result.output);

  report::Panel panel = report::frequency_panel(
      "γ_q(mθ)² for m = " + std::to_string(o.m) + ", q = " + std::to_string(o.q), "γ²");
  // The figure is ~450 pixels wide: a finer lattice only slows gnuplot down (the CSV keeps the full grid).
  const int64_t shown = std::min<int64_t>(o.grid, 256);
  panel.heat_map = report::frequency_lattice(shown == o.grid ? gamma : gamma_map(o.m, o.q, shown));
  panel.colour_min = 0;
  if (o.packets) {
    std::vector<std::array<double, 2>> frequencies;
    for (const auto& p : wavelets::packet_table(*o.packets)) {
      if (!p.lowpass) frequencies.push_back({p.freq_row, p.freq_col});
    }
    panel.series.push_back(report::frequency_points(
        frequencies, "DT-CWPT packets, J = " + std::to_string(*o.packets), "#d62728"));
    panel.legend = "bottom right";
  }
  report::write_figures({{report::Figure{"", {panel}, 1, 620, 540}, dir / "gamma.png"}}, result.output);
  result.min = gamma.min().item<double>(), result.mean = gamma.mean().item<double>();
  result.max = gamma.max().item<double>();
  return result;
}

}  // namespace wavetwin::study
