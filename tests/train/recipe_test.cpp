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
  EXPECT_NE(recipe_json(preset("cifar10-resnet")).find("\"step\": 100"), std::string::npos);
  EXPECT_NE(recipe_json(preset("cifar10-resnet")).find("\"crop_scale\": 0.08"), std::string::npos);
}

}  // namespace
}  // namespace wavetwin::train
