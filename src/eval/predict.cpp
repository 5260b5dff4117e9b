// src/eval/predict.cpp: a classifier over the views of each image, a chunk at a time.
#include "wavetwin/eval/predict.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>

#include "wavetwin/data/loader.h"
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
  const Shard& shard = options.shard;
  WAVETWIN_CHECK(shard.size >= 1 && shard.rank >= 0 && shard.rank < shard.size && (shard.size == 1 || shard.sum),
                 "evaluation: shard ", shard.rank, " of ", shard.size, "; expected 0 <= rank < size, and a sum for ",
                 "several processes");
  // Every process forwards `batch` inputs at a time: a chunk holds that many images per process.
  const int64_t chunk = std::max<int64_t>(1, options.batch / views) * shard.size;
  const std::vector<int64_t> indices = data::evenly_spaced(dataset.size(), options.limit);
  const auto total = static_cast<int64_t>(indices.size());
  WAVETWIN_CHECK(total > 0, "evaluation: the dataset is empty");
  torch::NoGradGuard no_grad;
  int64_t evaluated = 0;
  for (int64_t start = 0; start < total; start += chunk) {
    const int64_t count = std::min(chunk, total - start);
    const data::Slice mine = data::batch_slice(count, shard.size, shard.rank);
    std::vector<torch::Tensor> prepared(static_cast<size_t>(mine.count));
    std::vector<std::string> errors(static_cast<size_t>(mine.count));
    at::parallel_for(0, mine.count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        const int64_t index = indices[start + mine.offset + j];
        try {
          prepared[j] = make_views(dataset.image(index), index);
        } catch (const std::exception& e) {
          errors[j] = e.what();
        }
      }
    });
    std::vector<torch::Tensor> inputs;
    std::vector<int64_t> rows;  // of the chunk
    for (int64_t j = 0; j < mine.count; ++j) {
      const int64_t index = indices[start + mine.offset + j];
      if (!errors[j].empty()) {
        WAVETWIN_CHECK(!options.strict, dataset.where(index), ": ", errors[j]);
        if (failures) failures->push_back({dataset.where(index), errors[j]});
        continue;
      }
      inputs.push_back(prepared[j]);
      rows.push_back(mine.offset + j);
    }
    torch::Tensor logits;  // (B, V, classes) of the images scored, in the chunk's order
    if (!inputs.empty()) {
      const torch::Tensor x = torch::stack(inputs);  // (B, V, C, n, n)
      const int64_t b = x.size(0), v = x.size(1);
      WAVETWIN_CHECK(v == views, "evaluation: ", v, " views of an image; expected ", views);
      logits = classify(x.flatten(0, 1).to(options.device)).to(torch::kCPU, torch::kFloat32).view({b, v, -1});
    }
    if (shard.size > 1) {
      // The chunk's scores assembled on every process: each fills its rows, the sum puts them together.
      const auto classes = static_cast<int64_t>(dataset.classes().size());
      WAVETWIN_CHECK(!logits.defined() || logits.size(2) == classes, "evaluation: ", logits.size(2),
                     " scores per view; expected one per class of the dataset (", classes, ") when sharded");
      std::vector<torch::Tensor> gathered{torch::zeros({count, views, classes}), torch::zeros({count}, torch::kInt64)};
      if (logits.defined()) {
        const torch::Tensor where = torch::tensor(rows, torch::kInt64);
        gathered[0].index_copy_(0, where, logits);
        gathered[1].index_fill_(0, where, 1);
      }
      shard.sum(gathered);
      rows.clear();
      const auto present = gathered[1].accessor<int64_t, 1>();
      for (int64_t j = 0; j < count; ++j) {
        if (present[j] != 0) rows.push_back(j);
      }
      logits = rows.empty() ? torch::Tensor() : gathered[0].index_select(0, torch::tensor(rows, torch::kInt64));
    }
    if (logits.defined()) {
      std::vector<int64_t> labels, images;
      for (const int64_t row : rows) {
        images.push_back(indices[start + row]);
        labels.push_back(dataset.label(images.back()));
      }
      consume(logits, torch::tensor(labels, torch::kInt64), torch::tensor(images, torch::kInt64));
      evaluated += logits.size(0);
    }
    if (options.progress) options.progress(start + count, total);
  }
  WAVETWIN_CHECK(evaluated > 0, "evaluation: none of the ", total, " images could be read");
  return evaluated;
}

}  // namespace wavetwin::eval
