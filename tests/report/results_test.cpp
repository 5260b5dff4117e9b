// tests/report/results_test.cpp: the papers' rows, the results table and the report's figures.
#include "wavetwin/report/results.h"

#include "support/support.h"

namespace wavetwin::report {
namespace {

TEST(ResultsTest, PaperRowsAreTheTablesOfTheSecondPaper) {
  const auto cifar = paper_rows("cifar10");
  const auto imagenet = paper_rows("imagenet");
  EXPECT_EQ(cifar.size() + imagenet.size(), 35u);
  auto find = [](const std::vector<ResultRow>& rows, const std::string& model) {
    for (const auto& r : rows) {
      if (r.model == model) return r;
    }
    ADD_FAILURE() << model << " missing";
    return ResultRow{};
  };
  // Table II: R18 one-crop errors 14.9 / 14.2 / 13.8, mFR 100 / 92.4 / 88.8.
  EXPECT_NEAR(find(cifar, "R18C").onecrop_top1, 14.92, 1e-9);
  EXPECT_NEAR(find(cifar, "R18wyC").mfr, 92.43, 0.01);
  EXPECT_NEAR(find(cifar, "R18wyC_mod").mfr, 88.78, 0.01);
  EXPECT_TRUE(std::isnan(find(cifar, "R18C").onecrop_top5));  // not recorded for CIFAR-10
  EXPECT_NEAR(find(imagenet, "AI").onecrop_top5, 22.242, 1e-9);
  EXPECT_DOUBLE_EQ(find(imagenet, "AI").mfr, 100);
  EXPECT_THROW_WITH(paper_rows("mnist"), "--paper mnist: unknown; expected imagenet or cifar10");
}

TEST(ResultsTest, TableHasThePapersColumnsAndDashesForMissingScores) {
  ResultRow ours;
  ours.model = "R18", ours.source = "wavetwin: resnet18";
  ours.onecrop_top1 = 12.345, ours.mfr = 92.44, ours.consistency = 97.5, ours.circular_consistency = 100;
  const Table table = results_table({ours, paper_rows("cifar10").front()});
  EXPECT_EQ(table.columns(), (std::vector<std::string>{"model", "source", "one-crop top-1", "one-crop top-5",
                                                       "ten-crops top-1", "ten-crops top-5", "mFR", "consistency",
                                                       "circular flip rate", "circular consistency"}));
  ASSERT_EQ(table.rows().size(), 2u);
  EXPECT_EQ(table.rows()[0], (std::vector<std::string>{"R18", "wavetwin: resnet18", "12.35", "-", "-", "-", "92.4",
                                                       "97.50", "-", "100.00"}));
  EXPECT_EQ(table.rows()[1][1], "paper");
  EXPECT_NE(table.markdown().find("| R18C "), std::string::npos);
}

TEST(ResultsTest, FiguresHaveOneCurvePerRunAndOnePanelPerDirection) {
  RunCurves a, b;
  a.name = "a", b.name = "b";
  a.epochs = b.epochs = {1, 2};
  a.train_loss = {2, 1}, b.train_loss = {2.5, 1.5};
  a.val_top1 = {50, 40}, b.val_top1 = {kMissing, kMissing};
  a.kl["vertical"] = {{0, 0.5, 1}, {0, 0.1, 0.2}};
  a.kl["diagonal"] = {{0, 0.5, 1}, {0, 0.2, 0.3}};
  b.kl["vertical"] = {{0, 0.5, 1}, {0, 0.05, 0.1}};
  a.flip_rate["vertical"] = {{1, 2}, {3, 4}};
  const Figure training = training_figure({a, b});
  ASSERT_EQ(training.panels.size(), 2u);
  EXPECT_EQ(training.panels[0].series.size(), 2u);
  EXPECT_EQ(training.panels[1].series.size(), 1u);  // b was never validated
  const Figure kl = kl_figure({a, b});
  ASSERT_EQ(kl.panels.size(), 2u);
  EXPECT_EQ(kl.panels[0].title, "vertical");  // the papers' order
  EXPECT_EQ(kl.panels[1].title, "diagonal");
  EXPECT_EQ(kl.panels[0].series.size(), 2u);
  EXPECT_EQ(kl.panels[1].series.size(), 1u);
  EXPECT_EQ(flip_rate_figure({a, b}).panels.size(), 1u);
  // Epochs and steps are whole numbers: a tick at each, none in between; KL's half-pixel shifts keep gnuplot's.
  const Ticks whole = {{1.0, "1"}, {2.0, "2"}};
  EXPECT_EQ(training.panels[0].x.ticks, whole);
  EXPECT_EQ(training.panels[1].x.ticks, whole);
  EXPECT_EQ(flip_rate_figure({a, b}).panels[0].x.ticks, whole);
  EXPECT_TRUE(kl.panels[0].x.ticks.empty());
  const std::string script = gnuplot_script(kl, "kl.png");
  EXPECT_NE(script.find("shift (pixels)"), std::string::npos);
  EXPECT_THROW_WITH(flip_rate_figure({b}), "expected `wavetwin eval --mode shifts` first");
}

}  // namespace
}  // namespace wavetwin::report
