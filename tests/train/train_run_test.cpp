// tests/train/train_run_test.cpp: the training workflow in-process: a run created, stopped and resumed equals
// one trained straight through; what it records (typed settings, size and hold-out columns, statuses); the
// notices and errors it gives.
#include "wavetwin/train/train_run.h"

#include "support/support.h"
#include "wavetwin/models/model.h"

namespace wavetwin::train {
namespace {

class TrainRunTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    test::write_image_folder(dir_ + "/tiny");
  }
  TrainRunOptions options(const std::string& name) const {
    TrainRunOptions o;
    o.model = "resnet18 --twin rmax --classes 3";
    o.data = "folder:" + dir_ + "/tiny";
    o.overrides.epochs = 3, o.overrides.batch = 6, o.overrides.size = 16, o.overrides.lr = 0.02;
    o.overrides.holdout = 2;
    o.name = name;
    o.store = dir_ + "/runs/runs.db";
    o.seed = 4;
    o.loader_threads = 2;
    return o;
  }
};

TEST_F(TrainRunTest, StoppedAndResumedEqualsStraightThrough) {
  const TrainRunResult straight = train_run(options("straight"));
  EXPECT_EQ(straight.run.status, runs::RunStatus::kFinished);
  EXPECT_EQ(straight.epochs.size(), 3u);

  TrainRunOptions o = options("resumed");
  o.stop_after = 1;
  std::vector<TrainRunStart> starts;
  o.on_start = [&](const TrainRunStart& s) { starts.push_back(s); };
  const TrainRunResult first = train_run(o);
  EXPECT_EQ(first.run.status, runs::RunStatus::kInterrupted);
  EXPECT_EQ(first.state.epoch, 1);
  o.stop_after.reset();
  o.resume = true;
  const TrainRunResult resumed = train_run(o);
  EXPECT_EQ(resumed.run.status, runs::RunStatus::kFinished);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].first_epoch, 1);
  EXPECT_EQ(starts[1].first_epoch, 2);
  EXPECT_EQ(starts[1].epochs, 3);
  EXPECT_EQ(starts[1].train_images, 18);
  EXPECT_EQ(starts[1].val_images, 6);

  const auto spec = models::parse_model_spec("resnet18 --twin rmax --classes 3");
  const auto a = models::make_model(spec), b = models::make_model(spec);
  runs::load_checkpoint(straight.checkpoint_dir + "/last.pt", *a, nullptr);
  runs::load_checkpoint(resumed.checkpoint_dir + "/last.pt", *b, nullptr);
  const auto pb = b->named_parameters();
  for (const auto& p : a->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(straight.epochs[i].train_loss, resumed.epochs[i].train_loss) << i;
}

TEST_F(TrainRunTest, RecordsTypedSettingsAndNotices) {
  TrainRunOptions o = options("r");
  o.model = "resnet18";  // 1000 classes: adapted to the data's 3
  o.overrides.epochs = 1;
  o.overrides.crop_scale = 0.5;
  o.train_images = 12;
  o.keep_every = 1;
  std::vector<std::string> notices;
  o.warn = [&](const std::string& n) { notices.push_back(n); };
  const TrainRunResult r = train_run(o);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("resnet18 is for 1000 classes and 3 channels; the data has 3 and 3: adapted"),
            std::string::npos) << notices[0];
  EXPECT_EQ(r.run.spec, "resnet18 --classes 3");
  EXPECT_EQ(r.run.size, 16);
  EXPECT_EQ(r.run.holdout, 2);
  const RunSettings settings = r.run.options.get<RunSettings>();
  EXPECT_EQ(settings.recipe.crop_scale, 0.5);
  EXPECT_EQ(settings.recipe.holdout, 2);
  EXPECT_EQ(settings.recipe.epochs, 1);
  EXPECT_EQ(settings.seed, 4u);
  EXPECT_EQ(settings.train_images, 12);
  EXPECT_EQ(settings.keep_every, 1);
  EXPECT_EQ(settings.device, "cpu");
  EXPECT_EQ(nlohmann::json(settings), r.run.options);
  runs::RunStore store(o.store);
  EXPECT_EQ(store.checkpoints(r.run.id).size(), 3u);  // last, best, epoch-1
  ASSERT_EQ(store.epochs(r.run.id).size(), 1u);
  EXPECT_TRUE(store.epochs(r.run.id)[0].val_top1.has_value());
}

TEST_F(TrainRunTest, MistakesAreNamed) {
  TrainRunOptions o = options("missing");
  o.resume = true;
  EXPECT_THROW_WITH(train_run(o), "no run named 'missing'");
  o = options("x");
  o.train_images = 0;
  EXPECT_THROW_WITH(train_run(o), "--train-images 0; expected at least 1");
  o = options("x");
  o.recipe = "fast";
  EXPECT_THROW_WITH(train_run(o), "recipe 'fast': unknown");
  o = options("x");
  o.overrides.crop_scale = 1.5;
  EXPECT_THROW_WITH(train_run(o), "crop scale 1.5; expected 0 < scale <= 1");
  o = options("x");
  o.threads = -2;
  EXPECT_THROW_WITH(train_run(o), "threads -2, loader threads 2; expected counts >= 0");
  o = options("x");
  o.keep_every = -1;
  EXPECT_THROW_WITH(train_run(o), "--keep-every -1; expected >= 0");
  o = options("x");
  o.stop_after = 0;
  EXPECT_THROW_WITH(train_run(o), "--stop-after 0; expected at least 1 epoch");
  o = options("x");
  o.overrides.epochs = 1;
  train_run(o);
  o.resume = true;
  test::write_image_folder(dir_ + "/other");
  o.data = "folder:" + dir_ + "/other";
  EXPECT_THROW_WITH(train_run(o), "--resume x: the run trains resnet18 --twin rmax --classes 3 on folder:");
}

}  // namespace
}  // namespace wavetwin::train
