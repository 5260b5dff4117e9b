// tests/eval/evaluate_run_test.cpp: the evaluation workflow in-process on a tiny trained run: every protocol's
// scores typed and recorded once, equal to the protocols called directly on the run's checkpoint; loose
// checkpoint files; the errors it names.
#include "wavetwin/eval/evaluate_run.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "support/support.h"
#include "wavetwin/data/source.h"
#include "wavetwin/eval/shift_eval.h"
#include "wavetwin/models/model.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/train/train_run.h"

namespace wavetwin::eval {
namespace {

using runs::Metric;
using runs::Split;

class EvaluateRunTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    store_ = dir_ + "/runs/runs.db";
    data_ = "folder:" + dir_ + "/tiny";
    test::write_image_folder(dir_ + "/tiny");
    train::TrainRunOptions t;
    t.model = "resnet18 --classes 3";
    t.data = data_;
    t.overrides.epochs = 1, t.overrides.batch = 6, t.overrides.size = 16, t.overrides.lr = 0.02;
    t.overrides.holdout = 3;
    t.name = "a";
    t.store = store_;
    t.loader_threads = 2;
    train::train_run(t);
  }
  EvaluateRunOptions options() const {
    EvaluateRunOptions o;
    o.target = "a";
    o.split = Split::kVal;
    o.store = store_;
    o.batch = 40;
    return o;
  }
  // The run's best checkpoint in a fresh model, and the run's validation part, for direct calls.
  std::pair<std::shared_ptr<models::Model>, data::DataSplits> direct() const {
    const auto model = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
    runs::load_checkpoint(dir_ + "/runs/a/best.pt", *model, nullptr);
    data::DataOptions d;
    d.holdout_per_class = 3;
    return {model, data::open_data(data_, d)};
  }

  std::string store_, data_;
};

TEST_F(EvaluateRunTest, EveryProtocolRecordsTypedScoresOnce) {
  EvaluateRunOptions o = options();
  int starts = 0;
  std::set<std::string> passes;
  o.on_start = [&](const EvaluateRunResult& r) {
    ++starts;
    EXPECT_EQ(r.images, 9);
    EXPECT_EQ(r.size, 16);  // the run's recipe's
    EXPECT_EQ(r.epoch, 1);
  };
  o.progress = [&](const std::string& label, int64_t, int64_t) { passes.insert(label); };
  const EvaluateRunResult r = evaluate_run(o);
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(passes, (std::set<std::string>{"onecrop", "tencrops", "shifts", "flip rates", "consistency", "circular"}));
  ASSERT_TRUE(r.recorded);
  // 4 accuracy scores, consistency, 3 x 17 KL values (p = 2, M = 8), 3 x 4 flip rates, 3 protocol settings;
  // circular: 3 x 9 KL values, 3 x 4 flip rates, consistency.
  EXPECT_EQ(r.scores.size(), 4u + 1 + 51 + 12 + 3 + 27 + 12 + 1);
  EXPECT_EQ(r.kl_pixel_divide, 2);
  EXPECT_EQ(r.flip_rate_pixel_divide, 1);
  ASSERT_EQ(r.shifts.size(), 3u);
  runs::RunStore store(store_);
  const auto recorded = store.scores(r.run->id);
  EXPECT_EQ(recorded.size(), 111u);
  // Every score that is a mean over images carries its 9 per-image values and its bootstrap interval; the
  // settings carry neither.
  EXPECT_EQ(r.confidence_level, 0.95);
  size_t with_values = 0;
  for (const auto& s : recorded) {
    const std::string name = runs::metric_name(s.metric);
    if (s.metric == Metric::kKlPixelDivide || s.metric == Metric::kFlipRatePixelDivide ||
        s.metric == Metric::kReferenceQuirks) {
      EXPECT_TRUE(s.per_image.empty() && !s.low) << name;
      continue;
    }
    ++with_values;
    ASSERT_EQ(s.per_image.size(), 9u) << name;
    EXPECT_EQ(s.images, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8})) << name;
    double mean = 0;
    for (const double v : s.per_image) mean += v / 9;
    EXPECT_NEAR(mean, s.value, 1e-12 * std::max(1.0, std::abs(s.value))) << name;
    ASSERT_TRUE(s.low && s.high) << name;
    EXPECT_LE(*s.low, s.value + 1e-12) << name;
    EXPECT_GE(*s.high, s.value - 1e-12) << name;
    if (s.metric == Metric::kOnecropTop1) {  // the bootstrap of its own values
      const Interval i = mean_intervals(torch::tensor(s.per_image, torch::kFloat64).unsqueeze(1), o.bootstrap)[0];
      EXPECT_NEAR(*s.low, i.low, 1e-9);
      EXPECT_NEAR(*s.high, i.high, 1e-9);
    }
  }
  EXPECT_EQ(with_values, 108u);
  for (const auto& summary : r.shifts) {
    EXPECT_LE(summary.mean_flip_rate_interval.low, summary.mean_flip_rate + 1e-12);
    EXPECT_GE(summary.mean_flip_rate_interval.high, summary.mean_flip_rate - 1e-12);
    EXPECT_LE(summary.mean_kl_interval.low, summary.mean_kl + 1e-12);
    EXPECT_GE(summary.mean_kl_interval.high, summary.mean_kl - 1e-12);
  }
  EvaluateRunOptions without = options();
  without.bootstrap.resamples = 0, without.protocols = {Protocol::kOnecrop};
  const EvaluateRunResult plain = evaluate_run(without);  // re-evaluating replaces
  EXPECT_EQ(plain.confidence_level, 0);
  for (const auto& s : store.scores(r.run->id)) {
    const bool onecrop = s.metric == Metric::kOnecropTop1 || s.metric == Metric::kOnecropTop5;
    EXPECT_EQ(s.low.has_value(), !onecrop && !s.per_image.empty()) << runs::metric_name(s.metric);
  }
  EXPECT_EQ(store.scores(r.run->id).size(), 111u);

  // The same numbers as the protocols called directly on the best checkpoint.
  auto [model, data] = direct();
  CropOptions crop;
  crop.size = 16;
  PredictOptions predict;
  predict.batch = 40;
  const TopK onecrop = evaluate_onecrop(*model, *data.val, crop, predict);
  EXPECT_EQ(runs::find_score(recorded, Split::kVal, Metric::kOnecropTop1), onecrop.top1);
  EXPECT_EQ(r.onecrop->top5, onecrop.top5);
  ShiftOptions shift;
  shift.size = 16, shift.pixel_divide = 1;
  const ShiftScores fr = evaluate_shifts(*model, *data.val, shift, predict);
  const auto rates = runs::score_series(recorded, Split::kVal, Metric::kFlipRate);
  for (const auto& [direction, values] : rates) EXPECT_EQ(values, fr.flip_rates.at(data::shift_direction_name(direction)));
  shift.pixel_divide = 2;
  const ShiftScores kl = evaluate_shifts(*model, *data.val, shift, predict);
  const auto kls = runs::score_series(recorded, Split::kVal, Metric::kKl);
  ASSERT_EQ(kls.size(), 3u);
  for (const auto& [direction, values] : kls) EXPECT_EQ(values, kl.kl.at(data::shift_direction_name(direction)));
  ConsistencyOptions c;
  c.size = 16;
  EXPECT_EQ(r.consistency, evaluate_consistency(*model, *data.val, c, predict).consistency);
  CircularOptions circular;
  circular.size = 16;
  const CircularScores rolled = evaluate_circular(*model, *data.val, circular, predict);
  EXPECT_EQ(r.circular_consistency, rolled.consistency);
  for (const auto& [direction, values] : runs::score_series(recorded, Split::kVal, Metric::kCircularFlipRate))
    EXPECT_EQ(values, rolled.flip_rates.at(data::shift_direction_name(direction)));
  const auto circular_kls = runs::score_series(recorded, Split::kVal, Metric::kCircularKl);
  ASSERT_EQ(circular_kls.size(), 3u);
  for (const auto& [direction, values] : circular_kls)
    EXPECT_EQ(values, rolled.kl.at(data::shift_direction_name(direction)));
}

TEST_F(EvaluateRunTest, OnePixelDivisionIsOnePassAndLooseCheckpointsAreNotRecorded) {
  EvaluateRunOptions o = options();
  o.protocols = {Protocol::kShifts};
  o.pixel_divide = 1, o.max_shift = 4, o.directions = {data::ShiftDirection::kHorizontal};
  std::set<std::string> passes;
  o.progress = [&](const std::string& label, int64_t, int64_t) { passes.insert(label); };
  const EvaluateRunResult r = evaluate_run(o);
  EXPECT_EQ(passes, std::set<std::string>{"shifts"});
  EXPECT_EQ(runs::score_series(r.scores, Split::kVal, Metric::kKl).at(data::ShiftDirection::kHorizontal).size(), 5u);
  EXPECT_EQ(r.scores.size(), 5u + 4 + 3);

  std::filesystem::copy_file(dir_ + "/runs/a/last.pt", dir_ + "/loose.pt");
  EvaluateRunOptions loose = options();
  loose.target = dir_ + "/loose.pt";
  loose.data = data_;
  EXPECT_THROW_WITH(evaluate_run(loose), "expected --model SPEC too");
  loose.model = "resnet18 --classes 3", loose.holdout = 3;
  loose.protocols = {Protocol::kOnecrop};
  EXPECT_EQ(evaluate_run(loose).size, 224);  // image folders: the ImageNet recipes' size
  loose.size = 16;
  const EvaluateRunResult l = evaluate_run(loose);
  EXPECT_EQ(l.size, 16);
  EXPECT_FALSE(l.recorded);
  EXPECT_FALSE(l.run.has_value());
  // A checkpoint file of a recorded run keeps its scores with the run.
  loose.target = dir_ + "/runs/a/last.pt";
  EXPECT_TRUE(evaluate_run(loose).recorded);
}

TEST_F(EvaluateRunTest, MistakesAreNamed) {
  EvaluateRunOptions o = options();
  o.split = Split::kTest;
  EXPECT_THROW_WITH(evaluate_run(o), "no test part; expected --split val");
  o = options();
  o.target = "nothing";
  EXPECT_THROW_WITH(evaluate_run(o), "nothing: neither a run in");
  o = options();
  o.checkpoint = "epoch-7";
  EXPECT_THROW_WITH(evaluate_run(o), "has no such checkpoint; expected one of best, last");
  o = options();
  o.protocols.clear();
  EXPECT_THROW_WITH(evaluate_run(o), "--mode: none given");
  o = options();
  o.bootstrap.level = 95;
  EXPECT_THROW_WITH(evaluate_run(o), "--confidence 95; expected a level in (0, 1)");
  o.bootstrap.level = 0.95, o.bootstrap.resamples = -1;
  EXPECT_THROW_WITH(evaluate_run(o), "--resamples -1; expected >= 0");
  EXPECT_THROW_WITH(parse_protocol("fast"), "--mode fast: unknown");
  for (const Protocol p : all_protocols()) EXPECT_EQ(parse_protocol(protocol_name(p)), p);
}

}  // namespace
}  // namespace wavetwin::eval
