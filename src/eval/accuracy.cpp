// src/eval/accuracy.cpp: top-k errors, one-crop and ten-crop evaluation.
#include "wavetwin/eval/accuracy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "wavetwin/data/transforms.h"
#include "wavetwin/error.h"

namespace wavetwin::eval {

void TopKCounter::add(const torch::Tensor& scores, const torch::Tensor& labels, const torch::Tensor& indices) {
  WAVETWIN_CHECK(scores.dim() == 2 && labels.dim() == 1 && labels.size(0) == scores.size(0), "top-k: scores ",
                 scores.sizes(), " and labels ", labels.sizes(), "; expected (N, classes) and (N)");
  const int64_t k = std::min<int64_t>(5, scores.size(1));
  const torch::Tensor hit = std::get<1>(scores.topk(k, 1)).eq(labels.view({-1, 1}).to(torch::kInt64));
  const torch::Tensor wrong1 = ~hit.select(1, 0), wrong5 = ~hit.any(1);
  wrong1_ += wrong1.sum().item<int64_t>();
  wrong5_ += wrong5.sum().item<int64_t>();
  total_ += labels.size(0);
  if (indices.defined()) {
    WAVETWIN_CHECK(indices.sizes() == labels.sizes(), "top-k: ", indices.sizes(), " image indices for labels ",
                   labels.sizes(), "; expected one per image");
    indices_.push_back(indices.to(torch::kInt64));
    wrong_.push_back(torch::stack({wrong1, wrong5}, 1).to(torch::kFloat64) * 100);
  }
}

TopK TopKCounter::result() const {
  WAVETWIN_CHECK(total_ > 0, "top-k: no image was scored");
  TopK k{100.0 * static_cast<double>(wrong1_) / static_cast<double>(total_),
         100.0 * static_cast<double>(wrong5_) / static_cast<double>(total_), total_};
  if (!indices_.empty()) k.indices = torch::cat(indices_), k.wrong = torch::cat(wrong_);
  return k;
}

int64_t default_tencrop_resize(int64_t size) {
  return size <= 64 ? size + 4 : static_cast<int64_t>(std::lround(static_cast<double>(size) * 256 / 224));
}

namespace {

data::TransformOptions normalisation(const CropOptions& crop, int64_t channels) {
  data::TransformOptions t = data::default_transform(false, crop.size, channels);
  if (!crop.mean.empty()) t.mean = crop.mean;
  if (!crop.std.empty()) t.std = crop.std;
  return t;
}

}  // namespace

TopK evaluate_onecrop(const Classifier& classify, const data::Dataset& dataset, const CropOptions& crop,
                      const PredictOptions& options, std::vector<data::LoadFailure>* failures) {
  data::TransformOptions t = normalisation(crop, dataset.channels());
  t.resize = crop.resize;
  TopKCounter counter;
  predict_views(
      classify, dataset, 1,
      [&t](const torch::Tensor& image, int64_t index) {
        data::SampleRandom unused(0, 0, static_cast<uint64_t>(index));
        return data::transform_image(image, t, unused).unsqueeze(0);
      },
      [&counter](const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& indices) {
        counter.add(logits.select(1, 0), labels, indices);
      },
      options, failures);
  return counter.result();
}

TopK evaluate_tencrops(const Classifier& classify, const data::Dataset& dataset, const CropOptions& crop,
                       const PredictOptions& options, std::vector<data::LoadFailure>* failures) {
  const data::TransformOptions t = normalisation(crop, dataset.channels());
  const int64_t resize = crop.resize > 0 ? crop.resize : default_tencrop_resize(crop.size);
  WAVETWIN_CHECK(resize >= crop.size, "ten crops: resize ", resize, " below the crop size ", crop.size,
                 "; expected >= ", crop.size);
  TopKCounter counter;
  predict_views(
      classify, dataset, 10,
      [&t, resize](const torch::Tensor& image, int64_t) {
        std::vector<torch::Tensor> views;
        for (const auto& c : data::ten_crops(image, resize, t.size)) views.push_back(data::normalize(c, t.mean, t.std));
        return torch::stack(views);
      },
      [&counter](const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& indices) {
        counter.add(torch::softmax(logits, 2).mean(1), labels, indices);
      },
      options, failures);
  return counter.result();
}

}  // namespace wavetwin::eval
