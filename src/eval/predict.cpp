// src/eval/predict.cpp: a classifier over the views of each image, a chunk at a time.
#include "wavetwin/eval/predict.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>

#include "wavetwin/error.h"

namespace wavetwin::eval {

Classifier::Classifier(models::Model& model)
    : function_([&model](const torch::Tensor& inputs) { return model.forward(inputs); }) {
  model.eval();
}

torch::Tensor Classifier::operator()(const torch::Tensor& inputs) const {
  const torch::Tensor scores = function_(inputs);
  WAVETWIN_CHECK(scores.defined() && scores.dim() == 2 && scores.size(0) == inputs.size(0), "evaluation: scores ",
                 scores.defined() ? scores.sizes() : c10::IntArrayRef{}, " for a batch of ", inputs.size(0),
                 " inputs; expected (", inputs.size(0), ", classes)");
  return scores;
}

int64_t predict_views(const Classifier& classify, const data::Dataset& dataset, int64_t views,
                      const ViewMaker& make_views, const ViewConsumer& consume, const PredictOptions& options,
                      std::vector<data::LoadFailure>* failures) {
  WAVETWIN_CHECK(options.batch >= 1, "evaluation: batch ", options.batch, "; expected >= 1");
  WAVETWIN_CHECK(views >= 1, "evaluation: ", views, " views per image; expected >= 1");
  const int64_t chunk = std::max<int64_t>(1, options.batch / views);
  const std::vector<int64_t> indices = data::evenly_spaced(dataset.size(), options.limit);
  const auto total = static_cast<int64_t>(indices.size());
  WAVETWIN_CHECK(total > 0, "evaluation: the dataset is empty");
  torch::NoGradGuard no_grad;
  int64_t evaluated = 0;
  for (int64_t start = 0; start < total; start += chunk) {
    const int64_t count = std::min(chunk, total - start);
    std::vector<torch::Tensor> prepared(static_cast<size_t>(count));
    std::vector<std::string> errors(static_cast<size_t>(count));
    at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        try {
          prepared[j] = make_views(dataset.image(indices[start + j]), indices[start + j]);
        } catch (const std::exception& e) {
          errors[j] = e.what();
        }
      }
    });
    std::vector<torch::Tensor> inputs;
    std::vector<int64_t> labels;
    for (int64_t j = 0; j < count; ++j) {
      if (!errors[j].empty()) {
        WAVETWIN_CHECK(!options.strict, dataset.where(indices[start + j]), ": ", errors[j]);
        if (failures) failures->push_back({dataset.where(indices[start + j]), errors[j]});
        continue;
      }
      inputs.push_back(prepared[j]);
      labels.push_back(dataset.label(indices[start + j]));
    }
    if (!inputs.empty()) {
      const torch::Tensor x = torch::stack(inputs);  // (B, V, C, n, n)
      const int64_t b = x.size(0), v = x.size(1);
      WAVETWIN_CHECK(v == views, "evaluation: ", v, " views of an image; expected ", views);
      const torch::Tensor logits = classify(x.flatten(0, 1).to(options.device)).to(torch::kCPU, torch::kFloat32);
      consume(logits.view({b, v, -1}), torch::tensor(labels, torch::kInt64));
      evaluated += b;
    }
    if (options.progress) options.progress(start + count, total);
  }
  WAVETWIN_CHECK(evaluated > 0, "evaluation: none of the ", total, " images could be read");
  return evaluated;
}

}  // namespace wavetwin::eval
