// wavetwin/data/transforms.h: the reference's training and evaluation transforms on uint8 (H, W, C) images,
// and the per-sample random numbers that drive them.
//
// Training (reference-system.md 6): RandomResizedCrop(size, scale (0.08, 1), ratio (3/4, 4/3), bilinear) ->
// RandomHorizontalFlip(0.5) -> ToTensor -> Normalize(mean, std). Evaluation (7.1): Resize(shorter side) ->
// CenterCrop(size) -> ToTensor -> Normalize. Crops and flips stay on uint8, where they are cheapest; the
// resize is PIL's antialiased bilinear (data/image.h).
#pragma once

#include <torch/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "wavetwin/data/image.h"

namespace wavetwin::data {

/// A counter-based random stream (splitmix64): the draws for a sample depend only on (seed, epoch, index),
/// never on which thread handles it or in what order.
class SampleRandom {
 public:
  SampleRandom(uint64_t seed, uint64_t epoch, uint64_t index);
  uint64_t next();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi] (inclusive).
  int64_t integer(int64_t lo, int64_t hi);

 private:
  uint64_t state_;
};

/// torchvision's RandomResizedCrop.get_params: ten tries at an area fraction in `scale` and a log-uniform
/// aspect ratio in `ratio` that fit, else the centred crop with the ratio clamped.
CropBox random_resized_crop_box(int64_t height, int64_t width, std::array<double, 2> scale,
                                std::array<double, 2> ratio, SampleRandom& random);

/// Mirrors a uint8 (H, W, C) image left to right.
torch::Tensor horizontal_flip(const torch::Tensor& image);

/// uint8 (H, W, C) -> float32 (C, H, W): (x / 255 - mean[c]) / std[c]; one value each for grey images.
torch::Tensor normalize(const torch::Tensor& image, const std::vector<double>& mean, const std::vector<double>& std);

/// ImageNet's channel means and standard deviations (the reference uses them for every dataset).
const std::vector<double>& imagenet_mean();
const std::vector<double>& imagenet_std();

/// What the loader does to each sample.
struct TransformOptions {
  /// Output size (square).
  int64_t size = 224;
  /// Training augmentation (random resized crop and flip); false: evaluation (resize, centre crop).
  bool train = true;
  std::array<double, 2> scale = {0.08, 1.0};
  std::array<double, 2> ratio = {3.0 / 4.0, 4.0 / 3.0};
  bool flip = true;
  /// Evaluation: the shorter side is resized to this before the centre crop; 0 means `size` (the reference).
  int64_t resize = 0;
  /// Normalisation: ImageNet's by default; a single value is used for every channel.
  std::vector<double> mean = {0.485, 0.456, 0.406};
  std::vector<double> std = {0.229, 0.224, 0.225};
  /// Training: decode JPEGs at a reduced DCT scale when the crop stays at least `size` pixels on each side
  /// (faster; pixels then differ slightly from decoding at full scale as PIL does).
  bool jpeg_scaling = true;
};

/// The project's transform for training (`train`) or evaluation at `size`: ImageNet's normalisation for
/// colour images (the reference's, for every dataset), 0.5 / 0.5 for grey ones.
TransformOptions default_transform(bool train, int64_t size, int64_t channels);

/// One sample through the transform: uint8 (H, W, C) -> float32 (C, size, size).
torch::Tensor transform_image(const torch::Tensor& image, const TransformOptions& options, SampleRandom& random);

/// The rest of the training transform once the crop window has been drawn (with `random`) and cut out:
/// resize to size x size, the flip draw, normalisation.
torch::Tensor transform_window(const torch::Tensor& window, const TransformOptions& options, SampleRandom& random);

/// The reference's ten crops (reference-system.md 7.1): the shorter side resized to `resize` (256 for
/// ImageNet, 36 for CIFAR-10), then the four corners and the centre (torchvision's FiveCrop) of size x size,
/// each followed by its horizontal flip: crop1, flip1, crop2, ... All uint8 (size, size, C).
std::vector<torch::Tensor> ten_crops(const torch::Tensor& image, int64_t resize, int64_t size);

enum class ShiftDirection { kVertical, kHorizontal, kDiagonal };
/// "vertical", "horizontal", "diagonal" <-> ShiftDirection.
ShiftDirection parse_shift_direction(const std::string& name);
std::string shift_direction_name(ShiftDirection direction);

/// The reference's shifted windows (reference-system.md 7.2): the shorter side resized to p (n + M) and
/// centre-cropped to that square, then the p M + 1 windows of side p n at offsets k = 0..p M (horizontal:
/// left k; vertical: top k; diagonal: both), each resized to n x n (PIL's antialiased bilinear; the identity
/// for p = 1). Frame k is shifted by k / p pixels. All uint8 (n, n, C).
std::vector<torch::Tensor> shifted_windows(const torch::Tensor& image, int64_t size, int64_t max_shift,
                                           int64_t pixel_divide, ShiftDirection direction);

}  // namespace wavetwin::data
