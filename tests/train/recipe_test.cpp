// tests/train/recipe_test.cpp: the reference's presets and the learning-rate schedules.
#include "wavetwin/train/recipe.h"

#include <cmath>

#include "support/support.h"

namespace wavetwin::train {
namespace {

TEST(RecipeTest, PresetsAreTheReferenceRecipes) {
  const Recipe alexnet = preset("imagenet-alexnet");
  EXPECT_EQ(alexnet.lr, 0.01);
  EXPECT_EQ(alexnet.lambdas, (std::vector<double>{0.0, 0.0041, 0.00032}));
  EXPECT_EQ(alexnet.epochs, 90);
  EXPECT_EQ(alexnet.step, 30);
  const Recipe resnet = preset("imagenet-resnet");
  EXPECT_EQ(resnet.lr, 0.1);
  EXPECT_TRUE(resnet.lambdas.empty());
  const Recipe cifar = preset("cifar10-resnet");
  EXPECT_EQ(cifar.epochs, 300);
  EXPECT_EQ(cifar.step, 100);
  EXPECT_EQ(cifar.size, 32);
  EXPECT_EQ(cifar.batch, 256);
  EXPECT_EQ(cifar.weight_decay, 1e-4);
  EXPECT_THROW_WITH(preset("cifar100"), "expected one of imagenet-alexnet, imagenet-resnet, cifar10-resnet");
}

TEST(RecipeTest, SchedulesChangeOncePerEpoch) {
  Recipe r = preset("imagenet-resnet");
  EXPECT_DOUBLE_EQ(learning_rate(r, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(r, 29), 0.1);
  EXPECT_NEAR(learning_rate(r, 30), 0.01, 1e-15);
  EXPECT_NEAR(learning_rate(r, 89), 0.001, 1e-15);
  r.schedule = Schedule::kCosine;
  EXPECT_NEAR(learning_rate(r, 45), 0.05, 1e-12);
  r.warmup = 4;
  EXPECT_NEAR(learning_rate(r, 0), 0.025, 1e-15);
  EXPECT_NEAR(learning_rate(r, 3), 0.1, 1e-15);
  r.schedule = parse_schedule("constant");
  EXPECT_DOUBLE_EQ(learning_rate(r, 80), 0.1);
  EXPECT_THROW_WITH(parse_schedule("poly"), "expected step, cosine or constant");
}

TEST(RecipeTest, ImpossibleSettingsAreNamed) {
  Recipe r;
  r.batch = 10, r.accumulate = 3;
  EXPECT_THROW_WITH(validate(r), "batch 10 in 3 sub-batches");
  r = Recipe();
  r.lr = -1;
  EXPECT_THROW_WITH(validate(r), "lr -1");
  r = Recipe();
  r.momentum = 1;
  EXPECT_THROW_WITH(validate(r), "momentum 1");
  r = Recipe();
  r.crop_scale = 0;
  EXPECT_THROW_WITH(validate(r), "crop scale 0; expected 0 < scale <= 1");
}

TEST(RecipeTest, JsonRoundTripsEverySetting) {
  Recipe r = preset("imagenet-alexnet");
  r.schedule = Schedule::kCosine, r.warmup = 2, r.holdout = 7, r.crop_scale = 0.25, r.accumulate = 4;
  const nlohmann::json json = r;
  EXPECT_EQ(json.at("step"), 30);
  EXPECT_EQ(json.at("schedule"), "cosine");
  const Recipe back = json.get<Recipe>();
  EXPECT_EQ(nlohmann::json(back), json);
  EXPECT_EQ(back.lambdas, r.lambdas);
  EXPECT_EQ(back.holdout, 7);
  // The reference split is null; stores written before the typed records said -1.
  r.holdout.reset();
  EXPECT_TRUE(nlohmann::json(r).at("holdout").is_null());
  nlohmann::json old = r;
  old["holdout"] = -1;
  EXPECT_FALSE(old.get<Recipe>().holdout.has_value());
  old.erase("lr");
  EXPECT_THROW_WITH(old.get<Recipe>(), "recipe: ");
}

TEST(RecipeTest, OverridesReplaceOnlyWhatIsGiven) {
  RecipeOverrides o;
  o.epochs = 3, o.schedule = Schedule::kConstant, o.holdout = 10, o.lambdas = std::vector<double>{};
  const Recipe r = make_recipe("imagenet-alexnet", o);
  EXPECT_EQ(r.epochs, 3);
  EXPECT_EQ(r.schedule, Schedule::kConstant);
  EXPECT_EQ(r.holdout, 10);
  EXPECT_TRUE(r.lambdas.empty());
  EXPECT_EQ(r.lr, preset("imagenet-alexnet").lr);
  EXPECT_EQ(r.name, "imagenet-alexnet");
  o.batch = 0;
  EXPECT_THROW_WITH(make_recipe("imagenet-alexnet", o), "recipe: batch 0");
}

}  // namespace
}  // namespace wavetwin::train
