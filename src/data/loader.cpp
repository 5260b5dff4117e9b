// src/data/loader.cpp: the threaded batch loader.
#include "wavetwin/data/loader.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "wavetwin/error.h"

namespace wavetwin::data {

Slice batch_slice(int64_t items, int64_t parts, int64_t part) {
  WAVETWIN_CHECK(items >= 0 && parts >= 1 && part >= 0 && part < parts, "batch split: ", items, " samples, part ",
                 part, " of ", parts, "; expected samples >= 0 and 0 <= part < parts");
  const int64_t base = items / parts, extra = items % parts;
  return {part * base + std::min(part, extra), base + (part < extra ? 1 : 0)};
}

Loader::Loader(std::shared_ptr<const Dataset> dataset, TransformOptions transform, LoaderOptions options)
    : dataset_(std::move(dataset)), transform_(std::move(transform)), options_(options) {
  WAVETWIN_CHECK(dataset_ && dataset_->size() > 0, "loader: empty dataset; expected at least one sample");
  WAVETWIN_CHECK(options_.batch >= 1 && options_.prefetch >= 1 && options_.threads >= 0, "loader: batch ",
                 options_.batch, ", prefetch ", options_.prefetch, ", threads ", options_.threads,
                 "; expected batch >= 1, prefetch >= 1, threads >= 0");
  WAVETWIN_CHECK(options_.parts >= 1 && options_.part >= 0 && options_.part < options_.parts, "loader: part ",
                 options_.part, " of ", options_.parts, "; expected 0 <= part < parts");
  WAVETWIN_CHECK(!options_.drop_last || dataset_->size() >= options_.batch, "loader: ", dataset_->size(),
                 " samples with drop_last and batch ", options_.batch, "; expected at least one full batch");
}

Loader::~Loader() { stop(); }

int64_t Loader::batches() const {
  const int64_t n = dataset_->size(), b = options_.batch;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void Loader::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

void Loader::start(int64_t epoch, int64_t first) {
  stop();
  WAVETWIN_CHECK(first >= 0 && first <= batches(), "loader: start at batch ", first, "; expected 0..", batches());
  order_.resize(dataset_->size());
  std::iota(order_.begin(), order_.end(), int64_t{0});
  if (options_.shuffle) {
    // Fisher-Yates with the epoch's own stream (index ~0 keeps it apart from every sample's stream).
    SampleRandom random(options_.seed, static_cast<uint64_t>(epoch), ~uint64_t{0});
    for (int64_t i = static_cast<int64_t>(order_.size()) - 1; i > 0; --i) std::swap(order_[i], order_[random.integer(0, i)]);
  }
  epoch_ = epoch;
  next_to_make_ = next_to_give_ = first;
  end_ = batches();
  stopping_ = false;
  ready_.clear();
  error_.clear();
  const int64_t threads =
      options_.threads > 0 ? options_.threads : std::max<int64_t>(1, std::thread::hardware_concurrency());
  for (int64_t t = 0; t < threads; ++t) workers_.emplace_back([this] { work(); });
}

Batch Loader::make_batch(int64_t b) {
  const int64_t first = b * options_.batch;
  const Slice part = batch_slice(std::min<int64_t>(options_.batch, dataset_->size() - first), options_.parts,
                                 options_.part);
  const int64_t begin = first + part.offset, end = begin + part.count;
  std::vector<torch::Tensor> images;
  Batch batch;
  std::vector<int64_t> labels;
  for (int64_t k = begin; k < end; ++k) {
    const int64_t index = order_[k];
    try {
      SampleRandom random(options_.seed, static_cast<uint64_t>(epoch_), static_cast<uint64_t>(index));
      if (transform_.train) {
        // The crop is drawn from the image's size before decoding, so that only the window is decoded.
        const WindowChooser choose = [&](int64_t h, int64_t w) {
          return random_resized_crop_box(h, w, transform_.scale, transform_.ratio, random);
        };
        const torch::Tensor window = dataset_->image_window(index, choose, transform_.jpeg_scaling ? transform_.size : 0);
        images.push_back(transform_window(window, transform_, random));
      } else {
        images.push_back(transform_image(dataset_->image(index), transform_, random));
      }
    } catch (const std::exception& e) {
      WAVETWIN_CHECK(!options_.strict, e.what());
      std::lock_guard<std::mutex> lock(mutex_);
      failures_.push_back({dataset_->where(index), e.what()});
      continue;
    }
    labels.push_back(dataset_->label(index));
    batch.indices.push_back(index);
  }
  if (!images.empty()) {
    batch.images = torch::stack(images);
    batch.labels = torch::tensor(labels, torch::kLong);
  }
  return batch;
}

void Loader::work() {
  for (;;) {
    int64_t b = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || (next_to_make_ < end_ && next_to_make_ < next_to_give_ + options_.prefetch);
      });
      if (stopping_) return;
      b = next_to_make_++;
    }
    Batch batch;
    std::string error;
    try {
      batch = make_batch(b);
    } catch (const std::exception& e) {
      error = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error.empty() && error_.empty()) error_ = error;
      ready_[b] = std::move(batch);
    }
    changed_.notify_all();
  }
}

bool Loader::next(Batch& batch) {
  WAVETWIN_CHECK(!workers_.empty() || next_to_give_ >= end_, "loader: next() before start()");
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (next_to_give_ >= end_) return false;
    changed_.wait(lock, [&] { return !error_.empty() || ready_.count(next_to_give_) > 0; });
    if (!error_.empty()) {
      const std::string error = error_;
      lock.unlock();
      stop();
      throw Error(error);
    }
    auto it = ready_.find(next_to_give_);
    Batch ready = std::move(it->second);
    ready_.erase(it);
    ++next_to_give_;
    lock.unlock();
    changed_.notify_all();
    // A batch whose every sample failed is skipped (a part of one is not: the other parts go on).
    if (ready.images.defined() || options_.parts > 1) {
      batch = std::move(ready);
      return true;
    }
  }
}

std::vector<LoadFailure> Loader::failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_;
}

}  // namespace wavetwin::data
