// tests/report/plot_test.cpp: gnuplot scripts and rendered figures.
#include "wavetwin/report/plot.h"

#include <filesystem>

#include "support/support.h"
#include "wavetwin/data/image.h"

namespace wavetwin::report {
namespace {

class PlotTest : public test::TempDirTest {};

Figure two_panels() {
  Panel map;
  map.title = "map";
  map.heat_map = HeatMap{torch::tensor({{0.0, 1.0, std::nan("")}, {2.0, 3.0, 4.0}}, torch::kFloat64), -1, 1, -2, 2};
  map.colour_label = "value";
  Panel curves;
  curves.title = "curves";
  curves.x = Axis{"epoch", std::nan(""), std::nan(""), {}, false};
  curves.y = Axis{"error", 0.5, 100, {}, true};
  curves.series.push_back(Series{"train", {1, 2, 3}, {50, 20, 10}, SeriesStyle::kLinesPoints, "", {}, {}});
  curves.series.push_back(
      Series{"it's val", {1, 2, 3}, {60, 30, 15}, SeriesStyle::kLines, "", {55, 25, 12}, {66, 33, 17}});
  return Figure{"two panels", {map, curves}, 2, 300, 250};
}

TEST_F(PlotTest, PiTicksAreLabelledInLowestTerms) {
  const Ticks half = pi_ticks(-M_PI, M_PI, 2);
  ASSERT_EQ(half.size(), 5u);
  const char* labels[] = {"-π", "-π/2", "0", "π/2", "π"};
  for (size_t i = 0; i < half.size(); ++i) {
    EXPECT_EQ(half[i].second, labels[i]);
    EXPECT_NEAR(half[i].first, -M_PI + i * M_PI / 2, 1e-12);
  }
  const Ticks quarter = pi_ticks(0, M_PI, 4);
  ASSERT_EQ(quarter.size(), 5u);
  EXPECT_EQ(quarter[2].second, "π/2");
  EXPECT_EQ(quarter[3].second, "3π/4");
  EXPECT_THROW_WITH(pi_ticks(0, 1, 0), "divisions=0");
}

TEST_F(PlotTest, ScriptHoldsTheDataAndTheLayout) {
  const std::string script = gnuplot_script(two_panels(), "out.png");
  EXPECT_NE(script.find("set output 'out.png'"), std::string::npos);
  EXPECT_NE(script.find("set multiplot layout 1,2"), std::string::npos);
  EXPECT_NE(script.find("0 1 NaN\n2 3 4\n"), std::string::npos) << script;
  EXPECT_NE(script.find("3 15 12 17\n"), std::string::npos) << script;  // x, y and the band
  EXPECT_NE(script.find("3 10\n"), std::string::npos);                 // no band
  const size_t band = script.find("$panel1_series1 using 1:3:4 with filledcurves");
  EXPECT_NE(band, std::string::npos);
  EXPECT_LT(band, script.find("$panel1_series0 using 1:2"));  // bands first, under every line
  EXPECT_EQ(script.find("$panel1_series0 using 1:3:4"), std::string::npos);
  EXPECT_NE(script.find("set logscale y"), std::string::npos);
  EXPECT_NE(script.find("title 'it''s val'"), std::string::npos);  // quotes escaped
  EXPECT_NE(script.find("with image"), std::string::npos);
}

TEST_F(PlotTest, BadFiguresAreRefused) {
  EXPECT_THROW_WITH(gnuplot_script(Figure{}, "x.png"), "has no panels");
  Figure mismatched = two_panels();
  mismatched.panels[1].series[0].y.pop_back();
  EXPECT_THROW_WITH(gnuplot_script(mismatched, "x.png"), "3 x values and 2 y values");
  Figure bad_band = two_panels();
  bad_band.panels[1].series[1].y_high.pop_back();
  EXPECT_THROW_WITH(gnuplot_script(bad_band, "x.png"), "a band of 3 and 2 bounds for 3 points");
  Figure empty{"", {Panel{}}};
  EXPECT_THROW_WITH(gnuplot_script(empty, "x.png"), "has nothing to draw");
}

TEST_F(PlotTest, RendersAPngOfTheRequestedSize) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed (scripts/setup.sh installs gnuplot-nox)";
  const std::string png = dir_ + "/figure.png";
  ASSERT_TRUE(render(two_panels(), png));
  const torch::Tensor image = data::read_image(png, data::ColorMode::kRgb);
  EXPECT_EQ(image.size(0), 250 + 40);  // one row of panels and the title
  EXPECT_EQ(image.size(1), 600);
  EXPECT_LT(image.min().item<int>(), 60);  // something dark is drawn on the white page
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/figure.gp"));
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string().find(".part"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace wavetwin::report
