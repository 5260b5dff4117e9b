// tests/data/transforms_test.cpp: random resized crop boxes, flips, normalisation, the training and evaluation
// transforms, and the per-sample random stream.
#include "wavetwin/data/transforms.h"

#include <cmath>

#include "support/support.h"
#include "wavetwin/data/image.h"

namespace wavetwin::data {
namespace {

class TransformsTest : public test::Seeded {};

TEST_F(TransformsTest, RandomStreamsDependOnlyOnSeedEpochAndIndex) {
  SampleRandom a(7, 2, 11), b(7, 2, 11), other_epoch(7, 3, 11), other_index(7, 2, 12);
  const uint64_t first = a.next();
  EXPECT_EQ(first, b.next());
  EXPECT_NE(first, other_epoch.next());
  EXPECT_NE(first, other_index.next());
  double sum = 0;
  for (int i = 0; i < 20000; ++i) {
    const double u = a.uniform();
    ASSERT_TRUE(u >= 0 && u < 1);
    sum += u;
    const int64_t k = a.integer(3, 5);
    ASSERT_TRUE(k >= 3 && k <= 5);
  }
  EXPECT_NEAR(sum / 20000, 0.5, 0.01);
}

// Boxes fit, their area fraction lies in `scale` and their aspect ratio in `ratio` (up to rounding).
TEST_F(TransformsTest, RandomResizedCropBoxesRespectScaleAndRatio) {
  for (int64_t index = 0; index < 2000; ++index) {
    SampleRandom random(1, 0, index);
    const int64_t h = 200 + index % 57, w = 300 - index % 91;
    const CropBox box = random_resized_crop_box(h, w, {0.08, 1.0}, {3.0 / 4.0, 4.0 / 3.0}, random);
    ASSERT_TRUE(box.top >= 0 && box.left >= 0 && box.top + box.height <= h && box.left + box.width <= w);
    const double fraction = static_cast<double>(box.height * box.width) / (h * w);
    EXPECT_GT(fraction, 0.07);
    EXPECT_LE(fraction, 1.0);
    const double aspect = static_cast<double>(box.width) / box.height;
    EXPECT_GT(aspect, 0.7) << box.width << "x" << box.height;
    EXPECT_LT(aspect, 1.42);
  }
}

// When no try fits (a strip far outside the ratio range), torchvision's fallback: the ratio clamped, centred.
TEST_F(TransformsTest, RandomResizedCropFallsBackToTheClampedCentre) {
  SampleRandom random(3, 0, 0);
  const CropBox strip = random_resized_crop_box(10, 400, {0.9, 1.0}, {3.0 / 4.0, 4.0 / 3.0}, random);
  EXPECT_EQ(strip.height, 10);
  EXPECT_EQ(strip.width, 13);  // round(10 * 4/3)
  EXPECT_EQ(strip.left, (400 - 13) / 2);
  const CropBox tall = random_resized_crop_box(400, 10, {0.9, 1.0}, {3.0 / 4.0, 4.0 / 3.0}, random);
  EXPECT_EQ(tall.width, 10);
  EXPECT_EQ(tall.height, 13);  // round(10 / (3/4))
  EXPECT_THROW_WITH(random_resized_crop_box(10, 10, {0.5, 0.2}, {1, 1}, random), "expected 0 < scale_min");
}

TEST_F(TransformsTest, NormalizeIsTheFormulaPerChannel) {
  const torch::Tensor image = torch::randint(0, 256, {5, 7, 3}, torch::kUInt8);
  const torch::Tensor out = normalize(image, imagenet_mean(), imagenet_std());
  const torch::Tensor expected = (to_float_chw(image) - torch::tensor({0.485, 0.456, 0.406}).view({3, 1, 1})) /
                                 torch::tensor({0.229, 0.224, 0.225}).view({3, 1, 1});
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{3, 5, 7}));
  EXPECT_LT(test::relative_error(out, expected.to(torch::kFloat32)), test::kTolFloat32);
  const torch::Tensor grey = torch::randint(0, 256, {4, 4, 1}, torch::kUInt8);
  EXPECT_LT(test::relative_error(normalize(grey, {0.5}, {0.25}), (to_float_chw(grey) - 0.5) / 0.25), test::kTolFloat32);
  EXPECT_THROW_WITH(normalize(image, {0.5, 0.5}, {1}), "2 mean values for 3 channels");
  EXPECT_THROW_WITH(normalize(image, {0.5}, {0}), "std 0");
}

TEST_F(TransformsTest, HorizontalFlipMirrorsColumns) {
  const torch::Tensor image = torch::randint(0, 256, {3, 4, 3}, torch::kUInt8);
  const torch::Tensor flipped = horizontal_flip(image);
  EXPECT_TRUE(torch::equal(flipped.select(1, 0), image.select(1, 3)));
  EXPECT_TRUE(torch::equal(horizontal_flip(flipped), image));
}

TEST_F(TransformsTest, EvaluationIsResizeShorterThenCentreCrop) {
  const torch::Tensor image = torch::randint(0, 256, {40, 64, 3}, torch::kUInt8);
  TransformOptions options;
  options.train = false;
  options.size = 24;
  options.resize = 28;
  SampleRandom random(0, 0, 0);
  const torch::Tensor out = transform_image(image, options, random);
  const torch::Tensor expected = normalize(center_crop(resize_shorter(image, 28), 24, 24), options.mean, options.std);
  EXPECT_TRUE(torch::equal(out, expected));
  options.resize = 0;  // the reference: shorter side to the crop size
  const torch::Tensor out2 = transform_image(image, options, random);
  EXPECT_TRUE(torch::equal(out2, normalize(center_crop(resize_shorter(image, 24), 24, 24), options.mean, options.std)));
}

TEST_F(TransformsTest, TrainingIsTheCropResizedThenMaybeFlipped) {
  const torch::Tensor image = torch::randint(0, 256, {50, 60, 3}, torch::kUInt8);
  TransformOptions options;
  options.size = 32;
  int flips = 0;
  for (int64_t index = 0; index < 200; ++index) {
    SampleRandom random(5, 1, index), replay(5, 1, index);
    const torch::Tensor out = transform_image(image, options, random);
    const CropBox box = random_resized_crop_box(50, 60, options.scale, options.ratio, replay);
    torch::Tensor expected = resize(crop(image, box.top, box.left, box.height, box.width), 32, 32);
    const bool flip = replay.uniform() < 0.5;
    flips += flip;
    if (flip) expected = horizontal_flip(expected);
    ASSERT_TRUE(torch::equal(out, normalize(expected, options.mean, options.std))) << index;
  }
  EXPECT_GT(flips, 70);
  EXPECT_LT(flips, 130);
}

// FiveCrop geometry on a resized image, each crop followed by its flip.
TEST_F(TransformsTest, TenCropsAreCornersAndCentreWithTheirFlips) {
  const torch::Tensor image = torch::randint(0, 256, {30, 40, 3}, torch::kUInt8);
  const auto crops = ten_crops(image, 30, 20);  // resized: 30 x 40 (unchanged)
  ASSERT_EQ(crops.size(), 10u);
  EXPECT_TRUE(torch::equal(crops[0], crop(image, 0, 0, 20, 20)));
  EXPECT_TRUE(torch::equal(crops[2], crop(image, 0, 20, 20, 20)));
  EXPECT_TRUE(torch::equal(crops[4], crop(image, 10, 0, 20, 20)));
  EXPECT_TRUE(torch::equal(crops[6], crop(image, 10, 20, 20, 20)));
  EXPECT_TRUE(torch::equal(crops[8], center_crop(image, 20, 20)));
  for (int i = 0; i < 10; i += 2) EXPECT_TRUE(torch::equal(crops[i + 1], horizontal_flip(crops[i]))) << i;
  const auto resized = ten_crops(image, 24, 20);  // resized to 24 x 32 first
  EXPECT_TRUE(torch::equal(resized[6], crop(resize_shorter(image, 24), 4, 12, 20, 20)));
  EXPECT_THROW_WITH(ten_crops(image, 24, 25), "crop 25 of a 24x32 image");
}

// The windows are direct crops of the resized square at offsets k (p = 1), or their halvings (p = 2).
TEST_F(TransformsTest, ShiftedWindowsAreDirectCrops) {
  const torch::Tensor image = torch::randint(0, 256, {50, 70, 3}, torch::kUInt8);
  const torch::Tensor square = center_crop(resize_shorter(image, 40), 40, 40);  // n = 32, M = 8
  const auto horizontal = shifted_windows(image, 32, 8, 1, ShiftDirection::kHorizontal);
  ASSERT_EQ(horizontal.size(), 9u);
  for (int64_t k = 0; k <= 8; ++k) EXPECT_TRUE(torch::equal(horizontal[k], crop(square, 0, k, 32, 32))) << k;
  const auto vertical = shifted_windows(image, 32, 8, 1, ShiftDirection::kVertical);
  EXPECT_TRUE(torch::equal(vertical[5], crop(square, 5, 0, 32, 32)));
  const auto diagonal = shifted_windows(image, 32, 8, 1, ShiftDirection::kDiagonal);
  EXPECT_TRUE(torch::equal(diagonal[3], crop(square, 3, 3, 32, 32)));
  const auto halves = shifted_windows(image, 32, 8, 2, ShiftDirection::kHorizontal);  // 17 frames, half-pixel steps
  ASSERT_EQ(halves.size(), 17u);
  const torch::Tensor big = center_crop(resize_shorter(image, 80), 80, 80);
  EXPECT_TRUE(torch::equal(halves[7], resize(crop(big, 0, 7, 64, 64).contiguous(), 32, 32)));
  EXPECT_EQ(halves[16].sizes(), (std::vector<int64_t>{32, 32, 3}));
  EXPECT_EQ(shift_direction_name(parse_shift_direction("diagonal")), "diagonal");
  EXPECT_THROW_WITH(parse_shift_direction("sideways"), "expected vertical, horizontal or diagonal");
}

}  // namespace
}  // namespace wavetwin::data
