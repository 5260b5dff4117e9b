// wavetwin/eval/shift_eval.h: a model on shifted inputs: the reference's shifted windows (reference-system.md
// 7.2) scored by KL divergence per shift and flip rate per step (7.3, 7.4), Zhang's random-shift
// consistency (peers.md 7), and the same measures under circular shifts (Chaman and Dokmanic's).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/data/transforms.h"
#include "wavetwin/eval/predict.h"
#include "wavetwin/eval/shift_metrics.h"
#include "wavetwin/models/model.h"

namespace wavetwin::eval {

struct ShiftOptions {
  int64_t size = 224;
  /// M: the largest shift, in pixels.
  int64_t max_shift = 8;
  /// p: frames are 1/p pixel apart (p = 2: upsampled, cropped, antialiased downscale).
  int64_t pixel_divide = 1;
  std::vector<data::ShiftDirection> directions = {data::ShiftDirection::kVertical, data::ShiftDirection::kHorizontal,
                                                  data::ShiftDirection::kDiagonal};
  /// S: flip rates for steps 1..S frames; 0: the reference's, 8 for ImageNet-sized inputs and 4 for small ones.
  int64_t max_step = 0;
  /// The reference's quirk: windows not normalised (x / 255 only). By default they are normalised as in
  /// training.
  bool reference_quirks = false;
  std::vector<double> mean, std;  ///< empty: the training's normalisation
};

/// S when ShiftOptions::max_step is 0: 8 for inputs larger than 64 pixels (ImageNet), else 4 (CIFAR-10).
int64_t default_max_step(int64_t size);

/// The shift measures image by image, row i for the dataset's image indices[i]: per direction name, KL per frame
/// float64 (N, K) and the fraction of the image's frame pairs that flip per step float64 (N, S). Their column
/// means are the scores; eval/confidence.h resamples them.
struct ImageShiftValues {
  torch::Tensor indices;
  std::map<std::string, torch::Tensor> kl, flip_rates;
};

struct ShiftScores {
  /// Per direction name: KL(p_0 || p_k) for k = 0..pM (frame k shifted by k / p pixels).
  std::map<std::string, std::vector<double>> kl;
  /// Per direction name: FR_s for s = 1..S (steps in frames, pixels when p = 1).
  DirectionalFlipRates flip_rates;
  int64_t images = 0;
  ImageShiftValues per_image;
};

ShiftScores evaluate_shifts(const Classifier& classify, const data::Dataset& dataset, const ShiftOptions& shifts,
                            const PredictOptions& options, std::vector<data::LoadFailure>* failures = nullptr);

struct ConsistencyOptions {
  int64_t size = 224;
  /// The shorter side is resized to this and centre-cropped square; the two crops of `size` are taken at
  /// offsets uniform in [0, resize - size)^2. 0: default_tencrop_resize (256 for 224: Zhang's [0, 32)^2).
  int64_t resize = 0;
  uint64_t seed = 0;
  /// Position of the dataset's first image in a longer stream of batches (eval::Audit): the draws of an image
  /// depend on the seed and its position.
  int64_t first_index = 0;
  std::vector<double> mean, std;  ///< empty: the training's normalisation
};

struct ConsistencyScores {
  /// % of images whose top-1 agrees on the two shifts.
  double consistency = 0;
  int64_t images = 0;
  /// Per image: its dataset index int64 (N) and 100 where its two predictions agree, else 0, float64 (N).
  torch::Tensor indices, agree;
};

/// The percentage of images whose top-1 predictions agree on two random crops; the draws depend only on
/// the seed and the image's index.
ConsistencyScores evaluate_consistency(const Classifier& classify, const data::Dataset& dataset, const ConsistencyOptions& consistency,
                            const PredictOptions& options, std::vector<data::LoadFailure>* failures = nullptr);

struct CircularOptions {
  int64_t size = 224;
  /// The one-crop view: the shorter side resized to this, then the centre crop of `size`; 0: the size itself.
  int64_t resize = 0;
  /// Frames k = 0..M: the view rolled circularly by k pixels (vertical: down, horizontal: right, diagonal:
  /// both); flip rates for steps 1..max_step (0: default_max_step).
  int64_t max_shift = 8, max_step = 0;
  std::vector<data::ShiftDirection> directions = {data::ShiftDirection::kVertical, data::ShiftDirection::kHorizontal,
                                                  data::ShiftDirection::kDiagonal};
  /// Consistency: two circular shifts (dy, dx), each uniform over all size x size shifts, drawn from the seed
  /// and the image's position (first_index + index) as ConsistencyOptions.
  uint64_t seed = 0;
  int64_t first_index = 0;
  std::vector<double> mean, std;  ///< empty: the training's normalisation
};

struct CircularScores {
  /// Per direction name: KL(p_0 || p_k) for k = 0..M.
  std::map<std::string, std::vector<double>> kl;
  /// Per direction name: FR_s for s = 1..S (steps in pixels).
  DirectionalFlipRates flip_rates;
  /// % of images whose top-1 agrees on two random circular shifts.
  double consistency = 0;
  int64_t images = 0;
  /// KL and flip rates per image, and 100 where an image's two random shifts agree, else 0, float64 (N).
  ImageShiftValues per_image;
  torch::Tensor agree;
};

/// The shift protocols with torch.roll of the whole one-crop view instead of moving windows: nothing enters
/// or leaves the frame, so a model exactly invariant to circular shifts (APS) scores KL 0, flip rates 0 and
/// consistency 100 %.
CircularScores evaluate_circular(const Classifier& classify, const data::Dataset& dataset, const CircularOptions& circular,
                                 const PredictOptions& options, std::vector<data::LoadFailure>* failures = nullptr);

}  // namespace wavetwin::eval
