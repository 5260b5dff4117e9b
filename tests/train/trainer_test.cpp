// tests/train/trainer_test.cpp: training on a tiny dataset: records and checkpoints, exact resumption, the
// NaN stop that keeps the last good checkpoint, accumulation, and mismatched models.
#include "wavetwin/train/trainer.h"

#include <torch/torch.h>

#include <filesystem>

#include "dist/tiny_model.h"
#include "support/support.h"

namespace wavetwin::train {
namespace {

class TrainerTest : public test::TempDirTest {
 protected:
  // 3 classes of 16x16 RGB images: class c is brighter in channel c, so a few epochs learn something.
  static data::DataSplits tiny() {
    torch::manual_seed(1);
    const int64_t n = 30;
    torch::Tensor labels = torch::arange(n) % 3;
    torch::Tensor images = torch::randint(0, 120, {n, 16, 16, 3}, torch::kInt64);
    for (int64_t i = 0; i < n; ++i) images[i].select(2, labels[i].item<int64_t>()) += 120;
    const auto all = std::make_shared<data::TensorDataset>(images.to(torch::kUInt8), labels,
                                                           std::vector<std::string>{"r", "g", "b"}, "tiny");
    data::DataSplits splits;
    splits.name = "tiny";
    const auto split = data::holdout_per_class(*all, 2);
    splits.train = std::make_shared<data::SubsetDataset>(all, split.train);
    splits.val = std::make_shared<data::SubsetDataset>(all, split.val);
    return splits;
  }
  TrainerOptions options(const std::string& run) const {
    TrainerOptions o;
    o.recipe.lr = 0.02, o.recipe.epochs = 3, o.recipe.batch = 8, o.recipe.size = 16, o.recipe.step = 2;
    o.checkpoint_dir = dir_ + "/" + run;
    o.seed = 11;
    o.loader_threads = 2;
    return o;
  }
  std::shared_ptr<models::Model> model(uint64_t seed = 5) const {
    torch::manual_seed(seed);
    return models::make_model(models::parse_model_spec("resnet18 --twin cmod --classes 3"));
  }
  static int64_t new_run(runs::RunStore& store, const std::string& name) {
    runs::RunRecord record;
    record.name = name;
    return store.create_run(record);
  }
  static void expect_same_weights(models::Model& a, models::Model& b) {
    const auto pb = b.named_parameters();
    for (const auto& p : a.named_parameters()) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  }
};

TEST_F(TrainerTest, RecordsEpochsAndCheckpoints) {
  runs::RunStore store(dir_ + "/runs.db");
  const int64_t id = new_run(store, "t");
  auto o = options("t");
  o.keep_every = 2;
  std::vector<Progress> seen;
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  Trainer trainer(model(), tiny(), o, &store, id);
  trainer.run();
  const auto epochs = store.epochs(id);
  ASSERT_EQ(epochs.size(), 3u);
  EXPECT_DOUBLE_EQ(epochs[0].lr, 0.02);
  EXPECT_NEAR(epochs[2].lr, 0.002, 1e-12);  // step 2, gamma 0.1
  for (const auto& e : epochs) {
    EXPECT_TRUE(std::isfinite(e.train_loss));
    ASSERT_TRUE(e.val_top1.has_value());
    EXPECT_GE(*e.val_top1, 0);
    EXPECT_LE(*e.val_top1, 100);
    EXPECT_EQ(e.val_top5, 0);  // 3 classes: the top 5 always hold the label
  }
  EXPECT_EQ(store.get("t").status, runs::RunStatus::kFinished);
  for (const std::string f : {"last.pt", "best.pt", "epoch-2.pt"}) EXPECT_TRUE(std::filesystem::exists(o.checkpoint_dir + "/" + f)) << f;
  EXPECT_FALSE(std::filesystem::exists(o.checkpoint_dir + "/epoch-1.pt"));
  EXPECT_EQ(trainer.state().epoch, 3);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().batches, 3);  // 24 training images, batch 8
  EXPECT_TRUE(seen.back().validating);
}

// Interrupted after its first epoch and resumed by a new process-like trainer (a fresh, differently
// initialised model), the run ends with the weights of the uninterrupted run.
TEST_F(TrainerTest, ResumedRunEqualsUninterruptedRun) {
  const data::DataSplits data = tiny();
  const auto straight = model();
  Trainer(straight, data, options("straight"), nullptr, 0).run();

  auto o = options("resumed");
  o.stop_after = 1;
  Trainer(model(), data, o, nullptr, 0).run();
  const auto resumed = model(/*seed=*/99);
  o.stop_after.reset();
  Trainer trainer(resumed, data, o, nullptr, 0);
  trainer.resume();
  EXPECT_EQ(trainer.state().epoch, 1);
  trainer.run();
  expect_same_weights(*straight, *resumed);
}

// The recipe's crop scale reaches the training crops: with crops of the whole image the weights differ from
// those of the default 0.08, everything else (initialisation, shuffles, draws) being equal.
TEST_F(TrainerTest, CropScaleShapesTheTrainingCrops) {
  const data::DataSplits data = tiny();
  auto o = options("default");
  o.recipe.epochs = 1;
  const auto reference = model(), same = model(), whole = model();
  Trainer(reference, data, o, nullptr, 0).run();
  o.checkpoint_dir = dir_ + "/same";
  Trainer(same, data, o, nullptr, 0).run();
  expect_same_weights(*reference, *same);
  o.checkpoint_dir = dir_ + "/whole";
  o.recipe.crop_scale = 1.0;
  Trainer(whole, data, o, nullptr, 0).run();
  EXPECT_FALSE(torch::equal(whole->named_parameters()["fc.weight"], reference->named_parameters()["fc.weight"]));
}

TEST_F(TrainerTest, NanLossStopsAndKeepsTheLastGoodCheckpoint) {
  runs::RunStore store(dir_ + "/runs.db");
  const int64_t id = new_run(store, "nan");
  auto o = options("nan");
  o.stop_after = 1;
  Trainer(model(), tiny(), o, &store, id).run();
  o.recipe.lr = 1e30;
  o.stop_after.reset();
  Trainer exploding(model(), tiny(), o, &store, id);
  exploding.resume();
  EXPECT_THROW_WITH(exploding.run(), "the last good checkpoint is " + o.checkpoint_dir + "/last.pt");
  EXPECT_EQ(store.get("nan").status, runs::RunStatus::kFailed);
  EXPECT_EQ(store.get("nan").failure.rfind("epoch 2", 0), 0u) << store.get("nan").failure;
  const auto restored = model();
  EXPECT_EQ(runs::load_checkpoint(o.checkpoint_dir + "/last.pt", *restored, nullptr).epoch, 1);
  for (const auto& p : restored->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

TEST_F(TrainerTest, AccumulationTakesOneStepPerBatch) {
  auto o = options("acc");
  o.recipe.accumulate = 2;
  o.recipe.epochs = 1;
  int64_t steps = 0;
  o.progress = [&](const Progress& p) { steps = p.validating ? steps : p.batch; };
  Trainer(model(), tiny(), o, nullptr, 0).run();
  EXPECT_EQ(steps, 3);  // 24 images, batches of 8 in sub-batches of 4
}

// Two sub-batches of 4 whose gradients are accumulated give the step of the whole batch of 8: the same
// weights after an epoch, to rounding (a float64 model without batch statistics or dropout, whose gradient
// does not depend on how a batch is split).
TEST_F(TrainerTest, AccumulatedSubBatchesEqualTheWholeBatch) {
  std::vector<std::shared_ptr<models::Model>> trained;
  for (const int64_t accumulate : {1, 2}) {
    auto o = options("acc" + std::to_string(accumulate));
    o.recipe.accumulate = accumulate;
    o.recipe.epochs = 2;
    torch::manual_seed(3);
    trained.push_back(std::make_shared<test::TinyConvNet>());
    Trainer(trained.back(), tiny(), o, nullptr, 0).run();
  }
  const auto whole = trained[0]->named_parameters(), split = trained[1]->named_parameters();
  for (const auto& p : whole) {
    EXPECT_LT(test::relative_error(split[p.key()], p.value()), 1e-12) << p.key();
  }
  torch::manual_seed(3);
  const test::TinyConvNet initial;
  EXPECT_GT(test::relative_error(whole["fc.weight"], initial.named_parameters()["fc.weight"]), 1e-3);  // it moved
}

TEST_F(TrainerTest, ModelMustFitTheData) {
  torch::manual_seed(0);
  const auto five = models::make_model(models::parse_model_spec("resnet18 --classes 5"));
  EXPECT_THROW_WITH(Trainer(five, tiny(), options("x"), nullptr, 0), "model for 5 classes and 3 channels; expected 3");
  auto o = options("x");
  o.recipe.lambdas = {0.1};
  EXPECT_THROW_WITH(Trainer(model(), tiny(), o, nullptr, 0), "1 penalty lambdas for a twin with 5 mixing sections");
  EXPECT_THROW_WITH(Trainer(model(), tiny(), options("none"), nullptr, 0).resume(), "no checkpoint to resume from");
}

}  // namespace
}  // namespace wavetwin::train
