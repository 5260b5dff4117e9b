// src/report/frequency_plane.cpp: frequency-plane heat maps, packet cells and frequency scatters.
#include "wavetwin/report/frequency_plane.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/error.h"

namespace wavetwin::report {

Panel frequency_panel(const std::string& title, const std::string& colour_label) {
  Panel panel;
  panel.title = title;
  panel.x = Axis{"horizontal frequency ω_x", -M_PI, M_PI, pi_ticks(-M_PI, M_PI, 2), false};
  panel.y = Axis{"vertical frequency ω_y", -M_PI, M_PI, pi_ticks(-M_PI, M_PI, 2), false};
  panel.colour_label = colour_label;
  panel.square = true;
  return panel;
}

HeatMap frequency_lattice(const torch::Tensor& values) {
  WAVETWIN_CHECK(values.dim() == 2 && values.size(0) == values.size(1) && values.size(0) > 0,
                 "frequency lattice of shape ", values.sizes(), "; expected (grid, grid)");
  const int64_t grid = values.size(0);
  // Plot row 0 is the bottom, omega_y = -pi, i.e. xi_row = +pi: the lattice's rows run the other way, and
  // its row for xi_row = -pi + 2 pi k / grid lands on omega_y = pi - 2 pi k / grid.
  torch::Tensor flipped = values.flip({0}).roll(1, 0);
  const double half = M_PI / grid;
  return HeatMap{flipped, -M_PI - half, M_PI - half, -M_PI - half, M_PI - half};
}

HeatMap packet_cells(const std::vector<wavelets::PacketInfo>& table, const std::vector<double>& values,
                     int64_t levels) {
  WAVETWIN_CHECK(values.size() == table.size(), "packet cells: ", values.size(), " values for ", table.size(),
                 " packets");
  const int64_t side = int64_t{2} << levels;
  const double cell = 2 * M_PI / side;
  torch::Tensor map = torch::full({side, side}, std::nan(""), torch::kFloat64);
  torch::Tensor taken = torch::zeros({side, side}, torch::kBool);
  auto m = map.accessor<double, 2>();
  auto t = taken.accessor<bool, 2>();
  const auto index = [&](double omega) {
    return std::clamp<int64_t>(static_cast<int64_t>(std::floor((omega + M_PI) / cell)), 0, side - 1);
  };
  for (size_t p = 0; p < table.size(); ++p) {
    const double wx = table[p].freq_col, wy = -table[p].freq_row;
    for (const double sign : {1.0, -1.0}) {
      const int64_t i = index(sign * wy), j = index(sign * wx);
      WAVETWIN_CHECK(!t[i][j], "packet cells: packet ", table[p].index, " falls in a cell already taken at (",
                     sign * wx, ", ", sign * wy, ")");
      t[i][j] = true;
      m[i][j] = values[p];
    }
  }
  return HeatMap{map, -M_PI, M_PI, -M_PI, M_PI};
}

Series frequency_points(const std::vector<std::array<double, 2>>& frequencies, const std::string& title,
                        const std::string& colour) {
  Series series{title, {}, {}, SeriesStyle::kPoints, colour};
  for (const auto& [row, col] : frequencies) {
    series.x.push_back(col), series.y.push_back(-row);
    series.x.push_back(-col), series.y.push_back(row);
  }
  return series;
}

}  // namespace wavetwin::report
