// tests/report/frequency_plane_test.cpp: where values land on the frequency plane.
#include "wavetwin/report/frequency_plane.h"

#include "support/support.h"

namespace wavetwin::report {
namespace {

// Centre of heat-map cell (row, col), (x, y) in the plot frame.
std::array<double, 2> cell_centre(const HeatMap& map, int64_t row, int64_t col) {
  const double dx = (map.x_max - map.x_min) / map.values.size(1), dy = (map.y_max - map.y_min) / map.values.size(0);
  return {map.x_min + (col + 0.5) * dx, map.y_min + (row + 0.5) * dy};
}

TEST(FrequencyPlaneTest, LatticeLandsAtMinusRowFrequency) {
  const int64_t grid = 8;
  for (const auto& [k_row, k_col] : {std::pair<int64_t, int64_t>{1, 6}, {0, 3}, {5, 0}}) {
    torch::Tensor values = torch::zeros({grid, grid}, torch::kFloat64);
    values[k_row][k_col] = 1;
    const HeatMap map = frequency_lattice(values);
    const auto hot = map.values.argmax().item<int64_t>();
    const auto [x, y] = cell_centre(map, hot / grid, hot % grid);
    const double xi_row = -M_PI + 2 * M_PI * k_row / grid, xi_col = -M_PI + 2 * M_PI * k_col / grid;
    EXPECT_NEAR(x, xi_col, 1e-12);
    // omega_y = -xi_row, modulo 2 pi (xi_row = -pi is the same frequency as +pi).
    EXPECT_NEAR(std::remainder(y + xi_row, 2 * M_PI), 0.0, 1e-12) << k_row;
  }
  EXPECT_THROW_WITH(frequency_lattice(torch::zeros({3, 4})), "expected (grid, grid)");
}

TEST(FrequencyPlaneTest, PacketsFillEveryCellOnceWithTheirMirrors) {
  for (int64_t levels : {1, 2, 3}) {
    const auto table = wavelets::packet_table(levels);
    std::vector<double> values;
    for (const auto& p : table) values.push_back(p.lowpass ? std::nan("") : static_cast<double>(p.index));
    const HeatMap map = packet_cells(table, values, levels);
    const int64_t side = int64_t{2} << levels;
    ASSERT_EQ(map.values.sizes(), (std::vector<int64_t>{side, side}));
    // 2 low-pass packets and their mirrors are the only blanks.
    EXPECT_EQ(torch::isnan(map.values).sum().item<int64_t>(), 4) << levels;
    for (const auto& p : table) {
      if (p.lowpass) continue;
      const double cell = 2 * M_PI / side;
      const auto row = static_cast<int64_t>(std::floor((-p.freq_row + M_PI) / cell));
      const auto col = static_cast<int64_t>(std::floor((p.freq_col + M_PI) / cell));
      EXPECT_EQ(map.values[row][col].item<double>(), p.index);
      EXPECT_EQ(map.values[side - 1 - row][side - 1 - col].item<double>(), p.index);
    }
  }
  const auto table = wavelets::packet_table(2);
  EXPECT_THROW_WITH(packet_cells(table, {1.0}, 2), "1 values for 32 packets");
}

TEST(FrequencyPlaneTest, PointsComeWithTheirOpposites) {
  const Series s = frequency_points({{0.5, 1.0}}, "k", "#000000");
  EXPECT_EQ(s.x, (std::vector<double>{1.0, -1.0}));
  EXPECT_EQ(s.y, (std::vector<double>{-0.5, 0.5}));
  const Panel panel = frequency_panel("t", "c");
  EXPECT_TRUE(panel.square);
  EXPECT_EQ(panel.x.ticks.size(), 5u);
}

}  // namespace
}  // namespace wavetwin::report
