// tests/demo/demo_test.cpp: the demo workflow in-process on a tiny budget: seven models trained, evaluated
// with every protocol and reported, the theory and the study written, each step shown to the observer; a
// resumed demo keeps what is finished.
#include "wavetwin/demo/demo.h"

#include <algorithm>
#include <filesystem>

#include "support/support.h"
#include "wavetwin/data/source.h"

namespace wavetwin::demo {
namespace {

class DemoTest : public test::TempDirTest {};

TEST_F(DemoTest, TrainsEvaluatesReportsAndStudiesOnATinyBudget) {
  if (!std::filesystem::exists(std::string(data::kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << data::kFashionMnistDir << " missing (install dataset-fashion-mnist: scripts/setup.sh)";
  }
  std::filesystem::create_directories(dir_ + "/photos");
  std::filesystem::copy_file(test::source_path("tests/fixtures/image/natural_gray.png"), dir_ + "/photos/a.png");
  DemoOptions o;
  o.budget_minutes = 0.1, o.epochs = 1, o.out = dir_ + "/demo", o.cache = dir_ + "/cache";
  o.photos = dir_ + "/photos";
  std::vector<std::string> said;
  int trained = 0, evaluated = 0;
  o.observer.say = [&](const std::string& line) { said.push_back(line); };
  o.observer.trained = [&](const train::TrainRunResult& r) {
    ++trained;
    EXPECT_EQ(r.run.status, runs::RunStatus::kFinished);
  };
  o.observer.evaluated = [&](const eval::EvaluateRunResult& r) {
    ++evaluated;
    EXPECT_TRUE(r.recorded);
  };
  const DemoResult r = run_demo(o);
  EXPECT_EQ(trained, 7);
  EXPECT_EQ(evaluated, 7);
  EXPECT_EQ(r.train_images, 256);  // the least the demo trains on
  EXPECT_EQ(r.eval_images, 40);    // the least it evaluates on
  ASSERT_EQ(r.report.rows.size(), 7u);
  EXPECT_EQ(r.report.rows[0].model, "R18");
  for (const auto& row : r.report.rows) {
    EXPECT_FALSE(std::isnan(row.onecrop_top1)) << row.model;
    EXPECT_FALSE(std::isnan(row.circular_consistency)) << row.model;
  }
  // APS on the demo's 32 x 32 inputs is exactly invariant to circular shifts, trained or not.
  EXPECT_EQ(r.report.rows[5].model, "R18aps3");
  EXPECT_EQ(r.report.rows[5].circular_consistency, 100);
  EXPECT_EQ(r.report.rows[5].circular_flip_rate, 0);
  for (const auto& e : r.evaluated) EXPECT_EQ(e.images, 40);
  ASSERT_TRUE(r.study.has_value());
  EXPECT_EQ(r.study->images, 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/demo/theory/gamma.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/demo/report/report.md"));
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said.back().find("demo: done in"), std::string::npos) << said.back();

  // Every score carries its interval, and the report shows them beside the differences from R18.
  for (const auto& e : r.evaluated) {
    for (const auto& s : e.scores) {
      if (!s.per_image.empty()) {
        EXPECT_TRUE(s.low && s.high) << runs::metric_name(s.metric);
      }
    }
  }
  EXPECT_NE(r.report.table.find(" ["), std::string::npos) << r.report.table;
  EXPECT_EQ(r.report.differences.size(), 6u);
  // The papers' claims, each checked on its two runs, and said before the last line.
  ASSERT_EQ(r.report.claims.size(), 5u);
  for (const auto& c : r.report.claims) EXPECT_TRUE(c.comparison.has_value()) << c.claim.statement;
  EXPECT_EQ(r.report.claims[0].claim.run, "R18wy_mod");
  EXPECT_EQ(r.report.claims[0].claim.baseline, "R18wy");
  ASSERT_GE(said.size(), 2u);
  EXPECT_EQ(said[said.size() - 2], "\ndemo: of the papers' claims, this run " + r.report.claims_summary);
  EXPECT_NE(r.report.claims_summary.find("supports "), std::string::npos) << r.report.claims_summary;

  o.resume = true;
  trained = 0, evaluated = 0;
  said.clear();
  const DemoResult again = run_demo(o);
  EXPECT_NE(std::find(said.begin(), said.end(), "demo: R18wy_mod already trained, kept"), said.end());
  EXPECT_NE(std::find(said.begin(), said.end(), "demo: R18aps3 already evaluated, kept"), said.end());
  EXPECT_EQ(trained, 0);
  EXPECT_EQ(evaluated, 0);
  EXPECT_EQ(again.report.rows[5].circular_consistency, 100);  // the kept scores, reported again
  EXPECT_TRUE(again.trained.empty());
  EXPECT_EQ(again.train_images, 256);  // as recorded by the first call
  // Nothing left to train or evaluate: nothing timed, nothing sized.
  EXPECT_EQ(again.eval_images, 0);
  for (const auto& line : said) EXPECT_EQ(line.find("demo: measured"), std::string::npos) << line;
}

TEST_F(DemoTest, MistakesAreNamed) {
  DemoOptions o;
  o.budget_minutes = 0, o.out = dir_ + "/demo";
  EXPECT_THROW_WITH(run_demo(o), "--budget 0; expected minutes > 0");
  o.budget_minutes = 1, o.epochs = 0;
  EXPECT_THROW_WITH(run_demo(o), "--epochs 0; expected >= 1");
}

}  // namespace
}  // namespace wavetwin::demo
