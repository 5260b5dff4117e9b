// tests/report/runs_report_test.cpp: the report workflow on a run store written by hand: the scores of the
// evaluated checkpoint, mFR from known flip rates, missing and non-finite scores as "-" and null, the files.
#include "wavetwin/report/runs_report.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/eval/claim.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin::report {
namespace {

using data::ShiftDirection;
using runs::Metric;
using runs::Split;

class RunsReportTest : public test::TempDirTest {
 protected:
  // Run `name` with two epochs, checkpoints last and best, and scores of its best checkpoint: one-crop
  // errors, flip rates `rate` (vertically `vertical`) for 4 steps, KL for 3 shifts, consistency.
  void add_run(runs::RunStore& store, const std::string& name, double rate, double vertical, double consistency) {
    runs::RunRecord record;
    record.name = name, record.spec = "resnet18 --classes 3", record.dataset = "folder:x", record.size = 16;
    const int64_t id = store.create_run(record);
    store.put_epoch(id, {1, 1.2, 0.1, 50, 10, 2, 100});
    store.put_epoch(id, {2, 0.9, 0.1, std::nullopt, std::nullopt, 2, 100});
    const std::string best = name + "/best.pt";
    store.put_checkpoint(id, {runs::CheckpointKind::kBest, 1, best});
    store.put_checkpoint(id, {runs::CheckpointKind::kLast, 2, name + "/last.pt"});
    std::vector<runs::Score> scores = {{best, Split::kTest, Metric::kOnecropTop1, {}, {}, 40},
                                       {best, Split::kTest, Metric::kOnecropTop5, {}, {}, 10},
                                       {best, Split::kTest, Metric::kConsistency, {}, {}, consistency},
                                       {best, Split::kTest, Metric::kKlPixelDivide, {}, {}, 2},
                                       {best, Split::kTest, Metric::kFlipRatePixelDivide, {}, {}, 1},
                                       // a score of another checkpoint, never reported
                                       {name + "/last.pt", Split::kTest, Metric::kOnecropTop1, {}, {}, 99}};
    for (const auto d : {ShiftDirection::kVertical, ShiftDirection::kHorizontal, ShiftDirection::kDiagonal}) {
      for (int64_t s = 1; s <= 4; ++s) {
        scores.push_back({best, Split::kTest, Metric::kFlipRate, d, s, d == ShiftDirection::kVertical ? vertical : rate});
      }
      for (int64_t k = 0; k < 3; ++k) scores.push_back({best, Split::kTest, Metric::kKl, d, k, 0.1 * k});
      // circular flip rates 0, rate, 2 rate, 3 rate: their mean 1.5 rate
      for (int64_t s = 1; s <= 4; ++s) {
        scores.push_back({best, Split::kTest, Metric::kCircularFlipRate, d, s, (s - 1) * rate});
      }
    }
    scores.push_back({best, Split::kTest, Metric::kCircularConsistency, {}, {}, consistency + 1});
    store.put_scores(id, scores);
  }
};

TEST_F(RunsReportTest, PutsRunsBesideThePaperWithKnownFlipRates) {
  {
    runs::RunStore store(dir_ + "/runs.db");
    add_run(store, "a", 0.2, 0.2, 90);
    add_run(store, "b", 0.2, 0.1, std::nan(""));  // b flips half as often vertically: mFR 100 (0.5 + 1 + 1) / 3
  }
  RunsReportOptions o;
  o.store = dir_ + "/runs.db", o.out = dir_ + "/report", o.paper = "cifar10", o.title = "tiny";
  const RunsReport r = write_runs_report(o);
  EXPECT_EQ(r.reference, "a");
  ASSERT_EQ(r.rows.size(), 2u + 18);  // a, b, the paper's 18 CIFAR-10 rows
  EXPECT_EQ(r.rows[0].mfr, 100);
  EXPECT_NEAR(r.rows[1].mfr, 100 * 2.5 / 3, 1e-12);
  EXPECT_EQ(r.rows[0].onecrop_top1, 40);  // the best checkpoint's, not last's 99
  EXPECT_TRUE(std::isnan(r.rows[0].tencrops_top1));
  EXPECT_TRUE(std::isnan(r.rows[1].consistency));
  EXPECT_NEAR(r.rows[0].circular_flip_rate, 100 * 1.5 * 0.2, 1e-12);
  EXPECT_EQ(r.rows[0].circular_consistency, 91);
  EXPECT_NE(r.table.find("| 83.3 "), std::string::npos) << r.table;
  for (const char* file : {"report.md", "results.csv", "results.json", "training.gp", "kl.gp", "flip_rate.gp"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/report/" + file)) << file;
  }
  EXPECT_GE(r.output.files.size() + r.output.warnings.size(), 3u + 3);  // three figures drawn or named missing
  if (test::python_has({"json"})) {
    std::string out;
    EXPECT_EQ(test::run_command(test::python() + " -c \"import json; d = json.load(open('" + dir_ +
                                    "/report/results.json'), parse_constant=lambda c: 1 / 0); r = d['rows']; "
                                    "assert d['mfr_reference'] == 'a' and r[1]['consistency'] is None and "
                                    "r[0]['tencrops_top1'] is None and abs(r[1]['mfr'] - 250 / 3) < 1e-9\"",
                                &out),
              0)
        << out;
  }
  o.reference = "b";
  o.paper.reset();
  const RunsReport by_b = write_runs_report(o);
  EXPECT_EQ(by_b.rows.size(), 2u);
  EXPECT_NEAR(by_b.rows[0].mfr, 100 * (2 + 1 + 1) / 3.0, 1e-12);
}

TEST_F(RunsReportTest, MistakesAreNamed) {
  RunsReportOptions o;
  o.store = dir_ + "/none.db", o.out = dir_ + "/report";
  EXPECT_THROW_WITH(write_runs_report(o), "none.db: no such run store");
  { runs::RunStore store(dir_ + "/empty.db"); }
  o.store = dir_ + "/empty.db";
  EXPECT_THROW_WITH(write_runs_report(o), "no runs to report");
  {
    runs::RunStore store(dir_ + "/runs.db");
    add_run(store, "a", 0.2, 0.2, 90);
  }
  o.store = dir_ + "/runs.db", o.paper = "mnist";
  EXPECT_THROW_WITH(write_runs_report(o), "--paper mnist: unknown");
  o.paper.reset(), o.runs = {"zzz"};
  EXPECT_THROW_WITH(write_runs_report(o), "no run named 'zzz'");
}

// A run that has not finished an epoch yet (just created, or killed in its first): the report is written
// whole, without a training figure, and says why.
TEST_F(RunsReportTest, ARunWithoutEpochsGivesAReportWithoutTrainingCurves) {
  {
    runs::RunStore store(dir_ + "/runs.db");
    runs::RunRecord record;
    record.name = "new", record.spec = "resnet18 --classes 3", record.dataset = "folder:x", record.size = 16;
    store.create_run(record);
  }
  RunsReportOptions o;
  o.store = dir_ + "/runs.db", o.out = dir_ + "/report";
  const RunsReport report = write_runs_report(o);
  ASSERT_EQ(report.output.warnings.size(), 1u);
  EXPECT_EQ(report.output.warnings[0], "no training figure: no run has finished an epoch");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/report/results.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/report/training.png"));
  std::ifstream md(dir_ + "/report/report.md");
  const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("training.png"), std::string::npos);
  EXPECT_NE(text.find("| new | `resnet18 --classes 3` | folder:x | 0 |"), std::string::npos) << text;
}

// Per-image values on the same 40 images: b corrects 12 of a's 20 top-1 errors (McNemar: 2 / 2^12), agrees
// as often, and flips exactly as a does (mFR 100 with the interval [100, 100] when resampled in pairs); c has
// no per-image values: no interval, no difference.
TEST_F(RunsReportTest, IntervalsAndPairedDifferencesAgainstTheReference) {
  const auto scores_of = [](const std::string& best, int wrong, double low, double high) {
    std::vector<int32_t> images;
    for (int32_t i = 0; i < 40; ++i) images.push_back(100 + 2 * i);
    const auto score = [&](Metric metric, std::optional<ShiftDirection> d, std::optional<int64_t> step,
                           std::vector<double> per_image) {
      double mean = 0;
      for (const double v : per_image) mean += v / 40;
      runs::Score s{best, Split::kTest, metric, d, step, mean, std::nullopt, std::nullopt, images, per_image};
      if (metric == Metric::kOnecropTop1) s.low = low, s.high = high;
      return s;
    };
    std::vector<double> errors(40, 0), agree(40, 100), rates(40, 0);
    for (int i = 0; i < wrong; ++i) errors[i] = 100;
    for (int i = 0; i < 10; ++i) agree[3 * i] = 0, rates[i] = 0.5;
    std::vector<runs::Score> scores{score(Metric::kOnecropTop1, {}, {}, errors), score(Metric::kConsistency, {}, {}, agree),
                                    {best, Split::kTest, Metric::kFlipRatePixelDivide, {}, {}, 1}};
    for (int64_t step = 1; step <= 2; ++step) scores.push_back(score(Metric::kFlipRate, ShiftDirection::kVertical, step, rates));
    return scores;
  };
  {
    runs::RunStore store(dir_ + "/runs.db");
    for (const auto& [name, wrong] : {std::pair{"a", 20}, std::pair{"b", 8}}) {
      runs::RunRecord record;
      record.name = name, record.spec = "resnet18 --classes 3", record.dataset = "folder:x", record.size = 16;
      const int64_t id = store.create_run(record);
      store.put_checkpoint(id, {runs::CheckpointKind::kBest, 1, std::string(name) + "/best.pt"});
      store.put_scores(id, scores_of(std::string(name) + "/best.pt", wrong, 30.5, 60.25));
    }
    runs::RunRecord record;
    record.name = "c", record.spec = "resnet18 --classes 3", record.dataset = "folder:x", record.size = 16;
    const int64_t id = store.create_run(record);
    store.put_scores(id, {{"c/best.pt", Split::kTest, Metric::kFlipRate, ShiftDirection::kVertical, 1, 0.25},
                          {"c/best.pt", Split::kTest, Metric::kFlipRate, ShiftDirection::kVertical, 2, 0.25}});
  }
  RunsReportOptions o;
  o.store = dir_ + "/runs.db", o.out = dir_ + "/report";
  const RunsReport r = write_runs_report(o);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].onecrop_top1_interval.low, 30.5);
  EXPECT_EQ(r.rows[0].onecrop_top1_interval.high, 60.25);
  EXPECT_NE(r.table.find("50.00 [30.50, 60.25]"), std::string::npos) << r.table;
  EXPECT_EQ(r.rows[1].mfr, 100);
  EXPECT_NEAR(r.rows[1].mfr_interval.low, 100, 1e-9);
  EXPECT_NEAR(r.rows[1].mfr_interval.high, 100, 1e-9);
  EXPECT_NEAR(r.rows[2].mfr, 200, 1e-12);  // 0.25 against a's 0.125
  EXPECT_TRUE(std::isnan(r.rows[2].mfr_interval.low));
  ASSERT_EQ(r.differences.size(), 1u);  // b; c has nothing to pair
  EXPECT_EQ(r.differences[0].run, "b");
  bool top1 = false, consistency = false;
  for (const auto& [metric, c] : r.differences[0].scores) {
    EXPECT_EQ(c.images, 40);
    if (metric == Metric::kOnecropTop1) {
      top1 = true;
      EXPECT_NEAR(c.difference.difference, -30, 1e-12);
      ASSERT_TRUE(c.mcnemar.has_value());
      EXPECT_EQ(c.mcnemar->only_a, 0);
      EXPECT_EQ(c.mcnemar->only_b, 12);
      EXPECT_NEAR(c.mcnemar->p_value, 2.0 / 4096, 1e-15);
      EXPECT_TRUE(c.significant);
    } else if (metric == Metric::kConsistency) {
      consistency = true;
      EXPECT_EQ(c.difference.difference, 0);
      EXPECT_FALSE(c.significant);
    }
  }
  EXPECT_TRUE(top1 && consistency);
  EXPECT_NE(r.differences_table.find("-30.00 ["), std::string::npos) << r.differences_table;
  EXPECT_NE(r.differences_table.find("(p = 0.00049, n = 40) *"), std::string::npos) << r.differences_table;
  EXPECT_NE(r.differences_table.find("(n = 40) |"), std::string::npos) << r.differences_table;  // consistency
  std::ifstream in(dir_ + "/report/report.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Differences from a"), std::string::npos);
  EXPECT_NE(text.find("papers' rows are single published numbers"), std::string::npos);
  EXPECT_TRUE(r.claims.empty());
  EXPECT_EQ(text.find("claims"), std::string::npos);

  // Claims on the same runs, the reported ones or not: b is significantly more accurate than a, as consistent.
  o.runs = {"a"}, o.out = dir_ + "/claims";
  o.claims = {{"b is more accurate", "b", "a", Metric::kOnecropTop1, true},
              {"b is less accurate", "b", "a", Metric::kOnecropTop1, false},
              {"b is more consistent", "b", "a", Metric::kConsistency, false},
              {"c is more accurate", "c", "a", Metric::kOnecropTop1, true},
              {"z is more accurate", "z", "a", Metric::kOnecropTop1, true}};
  const RunsReport claimed = write_runs_report(o);
  ASSERT_EQ(claimed.claims.size(), 5u);
  const eval::Verdict expected[] = {eval::Verdict::kSupports, eval::Verdict::kContradicts, eval::Verdict::kCannotTell,
                                    eval::Verdict::kNotMeasured, eval::Verdict::kNotMeasured};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(claimed.claims[i].verdict, expected[i]) << claimed.claims[i].claim.statement;
  EXPECT_NEAR(claimed.claims[0].comparison->difference.difference, -30, 1e-12);
  EXPECT_EQ(claimed.claims_summary,
            "supports 1 (b is more accurate); cannot tell 1 (b is more consistent); contradicts 1 (b is less "
            "accurate); not measured 2 (c is more accurate, z is more accurate)");
  const size_t row = claimed.claims_table.find("| b is less accurate ");
  ASSERT_NE(row, std::string::npos) << claimed.claims_table;
  const std::string line = claimed.claims_table.substr(row, claimed.claims_table.find('\n', row) - row);
  for (const char* cell : {"| b - a ", "| one-crop top-1 higher ", "| -30.00 [", "(p = 0.00049, n = 40) *", "| contradicts "}) {
    EXPECT_NE(line.find(cell), std::string::npos) << cell << " in " << line;
  }
  bool named = false;
  for (const auto& w : claimed.output.warnings) named = named || w.find("no run z in") != std::string::npos;
  EXPECT_TRUE(named);
  std::ifstream claims_md(dir_ + "/claims/report.md");
  const std::string claims_text((std::istreambuf_iterator<char>(claims_md)), std::istreambuf_iterator<char>());
  EXPECT_NE(claims_text.find("In all: supports 1"), std::string::npos) << claims_text;

  // results.json's claims read back as the claims checked, to check them again on other runs.
  const std::vector<eval::Claim> again = eval::read_claims(dir_ + "/claims/results.json");
  ASSERT_EQ(again.size(), o.claims.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].statement, o.claims[i].statement);
    EXPECT_EQ(again[i].run, o.claims[i].run);
    EXPECT_EQ(again[i].baseline, o.claims[i].baseline);
    EXPECT_EQ(again[i].metric, o.claims[i].metric) << again[i].statement;
    EXPECT_EQ(again[i].lower, o.claims[i].lower) << again[i].statement;
  }
}

TEST_F(RunsReportTest, ClaimsFilesAreReadOrNamedWithWhatIsWrong) {
  const std::string path = dir_ + "/claims.json";
  const auto claims_in = [&](const std::string& text) {
    std::ofstream(path) << text;
    return eval::read_claims(path);
  };
  const std::string named = R"("statement": "s", "run": "b", "baseline": "a")";
  const auto claims = claims_in("[{" + named + R"(, "metric": "flip_rate", "claimed": "higher"},
                                  {"statement": "t", "run": "c", "baseline": "a", "metric": "consistency",
                                   "claimed": "lower", "verdict": "ignored"}])");
  ASSERT_EQ(claims.size(), 2u);
  EXPECT_EQ(claims[0].statement, "s");
  EXPECT_EQ(claims[0].run, "b");
  EXPECT_EQ(claims[0].baseline, "a");
  EXPECT_EQ(claims[0].metric, Metric::kFlipRate);
  EXPECT_FALSE(claims[0].lower);
  EXPECT_EQ(claims[1].run, "c");
  EXPECT_EQ(claims[1].metric, Metric::kConsistency);
  EXPECT_TRUE(claims[1].lower);

  EXPECT_THROW_WITH(eval::read_claims(dir_ + "/none.json"), "none.json: no such file");
  EXPECT_THROW_WITH(claims_in("[{"), "claims.json: not JSON; expected an array of {\"statement\"");
  EXPECT_THROW_WITH(claims_in("[]"), "claims.json: array with no claim; expected an array of");
  EXPECT_THROW_WITH(claims_in(R"({"runs": []})"), "claims.json: object; expected an array of");
  EXPECT_THROW_WITH(claims_in("[3]"), "claims.json, claim 1: number; expected {");
  EXPECT_THROW_WITH(claims_in("[{" + named + R"(, "metric": "mfr", "claimed": "lower"}])"),
                    "claims.json, claim 1: metric 'mfr': unknown; expected one of onecrop_top1");
  EXPECT_THROW_WITH(claims_in("[{" + named + R"(, "metric": "kl", "claimed": "less"}])"),
                    R"(claims.json, claim 1: "claimed": "less"; expected "lower" or "higher")");
  EXPECT_THROW_WITH(claims_in("[{" + named + R"(, "metric": "kl", "claimed": "lower"}, {"statement": "t", "run": "b"}])"),
                    R"(claims.json, claim 2: "baseline" missing or not a non-empty string; expected {)");
  EXPECT_THROW_WITH(claims_in(R"([{"statement": "", "run": "b", "baseline": "a", "metric": "kl", "claimed": "lower"}])"),
                    R"(claim 1: "statement" missing or not a non-empty string)");
}

// Runs trained alike but for the seed, and one trained otherwise: the first two are one group, with the mean and
// sample standard deviation of their scores and the mean half-width of their intervals.
TEST_F(RunsReportTest, SpreadAcrossSeeds) {
  {
    runs::RunStore store(dir_ + "/runs.db");
    const auto add = [&](const std::string& name, uint64_t seed, int64_t epochs, double top1, double half_width) {
      runs::RunRecord record;
      record.name = name, record.spec = "resnet18 --classes 3", record.dataset = "folder:x", record.size = 16;
      record.options = {{"recipe", {{"epochs", epochs}, {"lr", 0.1}}}, {"seed", seed}, {"threads", seed + 1},
                        {"train_images", nullptr}, {"sync_batch_norm", false}};
      const int64_t id = store.create_run(record);
      store.put_checkpoint(id, {runs::CheckpointKind::kBest, 1, name + "/best.pt"});
      runs::Score s{name + "/best.pt", Split::kTest, Metric::kOnecropTop1, {}, {}, top1};
      s.low = top1 - half_width, s.high = top1 + half_width;
      store.put_scores(id, {s, {name + "/best.pt", Split::kTest, Metric::kConsistency, {}, {}, 80}});
    };
    add("r-seed0", 0, 3, 30, 1);
    add("other", 0, 4, 50, 1);  // another recipe (4 epochs)
    add("r-seed1", 1, 3, 34, 2);
    add("r-seed2", 2, 3, 32, 3);
  }
  RunsReportOptions o;
  o.store = dir_ + "/runs.db", o.out = dir_ + "/report";
  const RunsReport r = write_runs_report(o);
  ASSERT_EQ(r.seed_groups.size(), 1u);
  const SeedGroup& g = r.seed_groups[0];
  EXPECT_EQ(g.runs, (std::vector<std::string>{"r-seed0", "r-seed1", "r-seed2"}));
  EXPECT_EQ(g.seeds, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(g.onecrop_top1.runs, 3);
  EXPECT_NEAR(g.onecrop_top1.mean, 32, 1e-12);
  EXPECT_NEAR(g.onecrop_top1.sd, 2, 1e-12);  // deviations -2, 2, 0 over n - 1 = 2
  EXPECT_EQ(g.onecrop_top1.min, 30);
  EXPECT_EQ(g.onecrop_top1.max, 34);
  EXPECT_NEAR(g.onecrop_top1.interval_half_width, 2, 1e-12);
  EXPECT_EQ(g.consistency.sd, 0);
  EXPECT_TRUE(std::isnan(g.consistency.interval_half_width));
  EXPECT_EQ(g.tencrops_top1.runs, 0);
  EXPECT_NE(r.seeds_table.find(
                "| r-seed0, r-seed1, r-seed2 | `resnet18 --classes 3` | 0, 1, 2 | 32.00 ± 2.00 (run ± 2.00) |"),
            std::string::npos)
      << r.seeds_table;
  std::ifstream in(dir_ + "/report/report.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Across seeds"), std::string::npos);
}

}  // namespace
}  // namespace wavetwin::report
