// wavetwin/eval/accuracy.h: top-k errors, one-crop and ten-crop (reference-system.md 7.1).
//
// One-crop: the shorter side resized to `resize` (the reference: the crop size itself, 224 / 32; 256 is the
// usual alternative), the centre crop, normalised; the softmax's top-k. Ten-crops: the shorter side resized
// to 256 (ImageNet) / 36 (CIFAR-10), the four corners and the centre each with its horizontal flip, the mean
// of the ten softmax vectors.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/eval/predict.h"
#include "wavetwin/models/model.h"

namespace wavetwin::eval {

/// Errors in %: an image is right at k when its label is among its k highest scores (k clipped to the
/// number of classes).
struct TopK {
  double top1 = 0, top5 = 0;
  int64_t images = 0;
  /// Per image, when the dataset indices were given: the index int64 (N), and 100 where the image is wrong at
  /// top-1 and at top-5, else 0, float64 (N, 2), whose column means are top1 and top5 (eval/confidence.h).
  torch::Tensor indices{}, wrong{};
};

/// Accumulates top-1 and top-5 errors over batches of scores (N, classes) and labels (N), and the per-image
/// errors when the images' dataset indices (N) are given.
class TopKCounter {
 public:
  void add(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& indices = {});
  TopK result() const;

 private:
  int64_t wrong1_ = 0, wrong5_ = 0, total_ = 0;
  std::vector<torch::Tensor> indices_, wrong_;
};

struct CropOptions {
  int64_t size = 224;
  /// Shorter side before cropping; 0: the crop size for one-crop (the reference), default_tencrop_resize
  /// for ten crops.
  int64_t resize = 0;
  /// Normalisation; empty: the training's (data::default_transform).
  std::vector<double> mean, std;
};

/// The reference's ten-crop resize: 256 for 224, size + 4 for small images (36 for CIFAR-10's 32).
int64_t default_tencrop_resize(int64_t size);

TopK evaluate_onecrop(const Classifier& classify, const data::Dataset& dataset, const CropOptions& crop,
                      const PredictOptions& options, std::vector<data::LoadFailure>* failures = nullptr);

TopK evaluate_tencrops(const Classifier& classify, const data::Dataset& dataset, const CropOptions& crop,
                       const PredictOptions& options, std::vector<data::LoadFailure>* failures = nullptr);

}  // namespace wavetwin::eval
