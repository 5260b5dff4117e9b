// tests/study/theory_map_test.cpp: the theory-map workflow: the CSV matrix holds gamma_map's values, the range
// reported is the map's, packets are overlaid on request.
#include "wavetwin/study/theory_map.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::study {
namespace {

class TheoryMapTest : public test::TempDirTest {};

TEST_F(TheoryMapTest, WritesTheMapOfGamma) {
  TheoryMapOptions o;
  o.m = 2, o.grid = 16, o.packets = 2, o.out = dir_ + "/t";
  const TheoryMap map = write_theory_map(o);
  const torch::Tensor gamma = gamma_map(2, 1, 16);
  EXPECT_EQ(map.min, gamma.min().item<double>());
  EXPECT_EQ(map.max, gamma.max().item<double>());
  EXPECT_NEAR(map.max, 1.5, 1e-12);  // gamma(0)^2 = 3/2
  std::ifstream csv(dir_ + "/t/gamma.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(csv, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 17u);
  // Row 9 is theta_row = 0; its cell at theta_col = 0 is gamma(0)^2, written with 7 digits.
  std::istringstream row(lines[9]);
  std::vector<double> cells;
  for (std::string cell; std::getline(row, cell, ',');) cells.push_back(std::stod(cell));
  ASSERT_EQ(cells.size(), 17u);
  for (int64_t j = 0; j < 16; ++j) EXPECT_NEAR(cells[j + 1], gamma[8][j].item<double>(), 1e-6) << j;
  EXPECT_EQ(map.output.files.front(), std::filesystem::path(dir_ + "/t/gamma.csv"));
  EXPECT_EQ(map.output.files.size() + map.output.warnings.size(), 2u);  // the figure, drawn or named missing
  EXPECT_NE(std::ifstream(dir_ + "/t/gamma.gp").peek(), EOF);
}

TEST_F(TheoryMapTest, MistakesAreNamed) {
  TheoryMapOptions o;
  o.grid = 4, o.out = dir_ + "/t";
  EXPECT_THROW_WITH(write_theory_map(o), "grid 4; expected m >= 1, q >= 1, grid >= 8");
  std::ofstream(dir_ + "/file") << "x";
  o.grid = 16, o.out = dir_ + "/file";
  EXPECT_THROW_WITH(write_theory_map(o), "cannot create the directory");
}

}  // namespace
}  // namespace wavetwin::study
