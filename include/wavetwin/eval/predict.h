// wavetwin/eval/predict.h: running a classifier (a zoo model, or any function from inputs to scores, such as
// a Python torch.nn.Module) over several views of each image of a dataset (one centre crop, ten crops, shifted
// windows), a chunk of images at a time, with the views prepared in parallel.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/models/model.h"

namespace wavetwin::eval {

/// What the protocols evaluate: float32 inputs (B, C, n, n) on the evaluation device -> scores (B, classes).
class Classifier {
 public:
  using Function = std::function<torch::Tensor(const torch::Tensor& inputs)>;
  /// A zoo model, put in evaluation mode.
  Classifier(models::Model& model);  // NOLINT(google-explicit-constructor): a model is a classifier
  explicit Classifier(Function function) : function_(std::move(function)) {}
  /// The scores of `inputs`; throws wavetwin::Error unless they are (B, classes).
  torch::Tensor operator()(const torch::Tensor& inputs) const;

 private:
  Function function_;
};

/// This process's share of an evaluation that several processes run together (dist::evaluation_shard): each
/// scores part `rank` of every chunk of images, and every process receives the whole chunk's scores, in order,
/// so that every protocol gives the same result as one process.
struct Shard {
  int64_t rank = 0, size = 1;
  /// Sums the tensors over the processes, in place (called the same number of times on every process).
  std::function<void(std::vector<torch::Tensor>&)> sum;
};

/// How an evaluation runs.
struct PredictOptions {
  /// Inputs forwarded at once: batch / views images with all their views (at least one image).
  int64_t batch = 256;
  torch::Device device = torch::kCPU;
  /// Evaluate only this many images, evenly spaced over the dataset (data::evenly_spaced; 0: all).
  int64_t limit = 0;
  /// A corrupt image stops the evaluation instead of being skipped and counted.
  bool strict = false;
  /// Called after each chunk with the images done and the total.
  std::function<void(int64_t done, int64_t total)> progress;
  Shard shard;
};

/// The views of one image: uint8 (H, W, C) -> float32 (V, C, n, n), ready for the model.
using ViewMaker = std::function<torch::Tensor(const torch::Tensor& image, int64_t index)>;

/// Receives the logits float32 (B, V, classes) of a chunk of images (on the CPU), their labels int64 (B) and
/// their indices in the dataset int64 (B), which pair the per-image values of two evaluations.
using ViewConsumer =
    std::function<void(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& images)>;

/// Runs `classify` (without gradients) over the `views` views of each image chosen by `options.limit`.
/// Returns the number of images evaluated; images that cannot be decoded are skipped and appended to
/// `failures` (when given; with a shard, this process's own), or stop the evaluation with wavetwin::Error when
/// `options.strict`. With a shard of several processes, the scores must have one column per class of the
/// dataset.
int64_t predict_views(const Classifier& classify, const data::Dataset& dataset, int64_t views,
                      const ViewMaker& make_views, const ViewConsumer& consume, const PredictOptions& options,
                      std::vector<data::LoadFailure>* failures = nullptr);

}  // namespace wavetwin::eval
