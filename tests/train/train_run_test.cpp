// tests/train/train_run_test.cpp: the training workflow in-process: a run created, stopped and resumed equals
// one trained straight through; what it records (typed settings, size and hold-out columns, statuses); the
// notices and errors it gives.
#include "wavetwin/train/train_run.h"

#include "support/support.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "wavetwin/models/model.h"
#include "wavetwin/runs/run_lock.h"
#include "wavetwin/runs/run_store.h"

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
  // Every setting comes from the store: the seed, recipe, model and data given again would only be checked.
  TrainRunOptions again;
  again.name = "resumed", again.store = o.store, again.resume = true, again.on_start = o.on_start;
  const TrainRunResult resumed = train_run(again);
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

TEST_F(TrainRunTest, SeedsTrainTheRecipeOncePerSeed) {
  TrainRunOptions o = options("set");
  o.overrides.epochs = 1;
  const std::vector<TrainRunResult> two = train_seeds(o, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].run.name, "set-seed4");
  EXPECT_EQ(two[1].run.name, "set-seed5");
  EXPECT_EQ(runs::run_seed(two[0].run), 4u);
  EXPECT_EQ(runs::run_seed(two[1].run), 5u);
  EXPECT_TRUE(runs::trained_alike(two[0].run, two[1].run));
  EXPECT_NE(two[0].epochs[0].train_loss, two[1].epochs[0].train_loss);
  // The seed's run is the run of that seed.
  TrainRunOptions single = options("single");
  single.overrides.epochs = 1, single.seed = 5;
  EXPECT_EQ(train_run(single).epochs[0].train_loss, two[1].epochs[0].train_loss);

  // Resuming the set continues (here keeps) the recorded runs and starts the new one.
  o.resume = true;
  const std::vector<TrainRunResult> three = train_seeds(o, 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].run.name, "set-seed6");
  EXPECT_EQ(three[2].run.status, runs::RunStatus::kFinished);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(three[i].epochs.size(), 1u);
    EXPECT_EQ(three[i].epochs[0].train_loss, two[i].epochs[0].train_loss);
  }
  o.resume = false;
  EXPECT_THROW_WITH(train_seeds(o, 1), "set-seed4");
  EXPECT_THROW_WITH(train_seeds(o, 0), "--seeds 0; expected at least 1 run");
  o.name.reset();
  EXPECT_EQ(seed_run_name(o, 7), "resnet18 --twin rmax --classes 3-folder-seed7");
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
  EXPECT_THROW_WITH(train_run(o), "--resume x: --data folder:" + dir_ + "/other differs from the run's folder:");
  TrainRunOptions unnamed;
  unnamed.resume = true, unnamed.store = o.store;
  EXPECT_THROW_WITH(train_run(unnamed), "--resume: which run? expected --name NAME");
  unnamed.model = "resnet18";
  EXPECT_THROW_WITH(train_run(unnamed), "--resume: 0 runs of resnet18 on fashion-mnist in");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/runs/missing"));  // refused before anything was written
}

// Resuming takes the run's settings; one given that differs is refused by name, before anything is written.
TEST_F(TrainRunTest, ResumeRefusesSettingsThatDifferFromTheRun) {
  TrainRunOptions o = options("x");
  o.stop_after = 2;
  train_run(o);
  const auto refused = [&](const std::function<void(TrainRunOptions&)>& change, const std::string& message) {
    TrainRunOptions r;
    r.name = "x", r.store = o.store, r.resume = true;
    change(r);
    EXPECT_THROW_WITH(train_run(r), message);
  };
  refused([](TrainRunOptions& r) { r.overrides.lr = 0.05; }, "--resume x: --lr 0.05 differs from the run's 0.02");
  refused([](TrainRunOptions& r) { r.overrides.holdout = 3; }, "--holdout 3 differs from the run's 2");
  refused([](TrainRunOptions& r) { r.overrides.crop_scale = 0.5; }, "--crop-scale 0.5 differs from the run's 0.08");
  refused([](TrainRunOptions& r) { r.seed = 5; }, "--seed 5 differs from the run's 4");
  refused([](TrainRunOptions& r) { r.recipe = "imagenet-resnet"; }, "--recipe imagenet-resnet differs from the run's cifar10-resnet");
  refused([](TrainRunOptions& r) { r.train_images = 6; }, "--train-images 6 differs from the run's all");
  refused([](TrainRunOptions& r) { r.sync_batch_norm = true; }, "--sync-bn on differs from the run's off");
  refused([](TrainRunOptions& r) { r.model = "resnet34"; }, "the model resnet34 differs from the run's resnet18 --twin rmax --classes 3");
  refused([](TrainRunOptions& r) { r.overrides.epochs = 1; }, "--epochs 1; the run has done 2 epochs; expected at least as many");
  runs::RunStore store(o.store);
  EXPECT_EQ(store.get("x").options.get<RunSettings>().recipe.epochs, 3);
  EXPECT_EQ(store.epochs(store.get("x").id).size(), 2u);

  // The same settings again are accepted, and a larger --epochs extends the run, recorded.
  TrainRunOptions more = options("x");
  more.resume = true;
  more.overrides.epochs = 4;
  more.keep_every = 2;
  const TrainRunResult extended = train_run(more);
  EXPECT_EQ(extended.state.epoch, 4);
  EXPECT_EQ(extended.run.status, runs::RunStatus::kFinished);
  const RunSettings settings = extended.run.options.get<RunSettings>();
  EXPECT_EQ(settings.recipe.epochs, 4);
  EXPECT_EQ(settings.keep_every, 2);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/runs/x/epoch-4.pt"));
}

// A run is trained by one process at a time; the second is refused naming the first.
TEST_F(TrainRunTest, ARunBeingTrainedIsRefused) {
  TrainRunOptions o = options("x");
  o.stop_after = 1;
  train_run(o);
  {
    runs::RunLock owner(runs::run_lock_path(o.store, "x"), "x");
    o.resume = true;
    EXPECT_THROW_WITH(train_run(o), "run x is being trained by process " + std::to_string(::getpid()));
    o.resume = false;
    o.name = "y";
    o.stop_after.reset();
    runs::RunLock other(runs::run_lock_path(o.store, "y"), "y");
    EXPECT_THROW_WITH(train_run(o), "run y is being trained by process");
  }
  runs::RunStore store(o.store);
  EXPECT_FALSE(store.find("y").has_value());
  EXPECT_EQ(store.get("x").status, runs::RunStatus::kInterrupted);
}

// Killed after last.pt's rename but before the store's transaction: the store lacks that epoch. Resuming puts
// it back from the checkpoint (the same record the store would have had) and removes unfinished writes.
TEST_F(TrainRunTest, AStoreThatMissedAnEpochGetsItBackFromTheCheckpoint) {
  TrainRunOptions o = options("x");
  o.stop_after = 1;
  train_run(o);
  const std::string db = o.store;
  std::filesystem::copy_file(db, dir_ + "/after-epoch-1.db");
  const TrainRunResult second = train_run([&] {
    TrainRunOptions r = o;
    r.resume = true;
    return r;
  }());
  ASSERT_EQ(second.epochs.size(), 2u);
  std::filesystem::copy_file(dir_ + "/after-epoch-1.db", db, std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir_ + "/runs/x/last.pt.tmp.99999") << "half a checkpoint";
  {
    runs::RunStore store(db);
    ASSERT_EQ(store.epochs(store.get("x").id).size(), 1u);
  }
  o.resume = true;
  o.stop_after.reset();
  std::vector<TrainRunStart> starts;
  o.on_start = [&](const TrainRunStart& s) { starts.push_back(s); };
  const TrainRunResult resumed = train_run(o);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].first_epoch, 3);
  ASSERT_EQ(resumed.epochs.size(), 3u);
  EXPECT_EQ(resumed.epochs[1].train_loss, second.epochs[1].train_loss);
  EXPECT_EQ(resumed.epochs[1].val_top1, second.epochs[1].val_top1);
  EXPECT_EQ(resumed.epochs[1].lr, second.epochs[1].lr);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/runs/x/last.pt.tmp.99999"));
}

// A full disk, then a read-only one, under the store and the checkpoints: a clear error naming the file and
// the cause, the last good checkpoint and the records intact, no temporary files left; with space again, the
// run resumes. Needs a tmpfs mount (root, and a system that allows it).
TEST_F(TrainRunTest, AFullOrReadOnlyDiskKeepsTheLastGoodEpoch) {
  const std::string mount = dir_ + "/small";
  std::filesystem::create_directories(mount);
  std::string out;
  // A checkpoint of this model is about 90 MB (weights and momenta): room for the first epoch's two files
  // (best.pt, last.pt), not for the second epoch's temporary file.
  if (test::run_command("mount -t tmpfs -o size=220m tmpfs " + mount, &out) != 0) {
    GTEST_SKIP() << "needs a tmpfs mount (root, and mount permitted): " << out;
  }
  struct Unmount {
    std::string path;
    ~Unmount() {
      std::string ignored;
      test::run_command("umount " + path, &ignored);
    }
  } unmount{mount};
  TrainRunOptions o = options("x");
  o.store = mount + "/runs.db";
  EXPECT_THROW_WITH(train_run(o), "/x/last.pt: cannot write (No space left on device)");
  {
    runs::RunStore store(o.store);
    const runs::RunRecord run = store.get("x");
    EXPECT_EQ(run.status, runs::RunStatus::kFailed);
    EXPECT_NE(run.failure.find("No space left on device"), std::string::npos) << run.failure;
    ASSERT_EQ(store.epochs(run.id).size(), 1u);
  }  // closed: a file open for writing keeps the mount from becoming read-only
  const auto model = models::make_model(models::parse_model_spec("resnet18 --twin rmax --classes 3"));
  EXPECT_EQ(runs::load_checkpoint(mount + "/x/last.pt", *model, nullptr).epoch, 1);
  EXPECT_EQ(runs::load_checkpoint(mount + "/x/best.pt", *model, nullptr).epoch, 1);
  for (const auto& entry : std::filesystem::directory_iterator(mount + "/x")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }

  ASSERT_EQ(test::run_command("mount -o remount,ro " + mount, &out), 0) << out;
  TrainRunOptions again;
  again.name = "x", again.store = o.store, again.resume = true;
  EXPECT_THROW_WITH(train_run(again), "runs.db: cannot write the run store (Read-only file system");
  ASSERT_EQ(test::run_command("mount -o remount,rw,size=1g " + mount, &out), 0) << out;
  const TrainRunResult resumed = train_run(again);
  EXPECT_EQ(resumed.state.epoch, 3);
  EXPECT_EQ(resumed.run.status, runs::RunStatus::kFinished);
}

}  // namespace
}  // namespace wavetwin::train
