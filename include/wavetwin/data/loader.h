// wavetwin/data/loader.h: a threaded, prefetching, seeded batch loader.
//
// The order of the samples in an epoch (a shuffle seeded by (seed, epoch)) and every augmentation draw (a
// SampleRandom of (seed, epoch, sample index)) depend only on the seed and the epoch, never on the number of
// threads: two loaders with the same options give the same batches.
#pragma once

#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/data/transforms.h"

namespace wavetwin::data {

struct LoaderOptions {
  int64_t batch = 256;
  bool shuffle = true;
  /// Leave out the last batch when it is smaller than `batch`.
  bool drop_last = false;
  /// Worker threads (0: all hardware threads).
  int64_t threads = 0;
  /// Batches prepared ahead of the one being used.
  int64_t prefetch = 4;
  uint64_t seed = 0;
  /// A sample that cannot be decoded stops the epoch instead of being skipped and counted.
  bool strict = false;
  /// Data-parallel training: deliver only part `part` of `parts` of every batch (batch_slice), so that the
  /// processes together take the batches of a single loader. A part whose samples all failed is delivered
  /// empty rather than skipped, so that every process makes the same number of steps.
  int64_t parts = 1, part = 0;
};

/// Items [offset, offset + count) of a batch.
struct Slice {
  int64_t offset = 0, count = 0;
};

/// Part `part` of a batch of `items` split into `parts` contiguous, disjoint, covering parts, the first
/// items % parts taking one item more. Throws wavetwin::Error for impossible arguments.
Slice batch_slice(int64_t items, int64_t parts, int64_t part);

/// One batch: images float32 (B, C, H, W), labels int64 (B), and the dataset indices of its samples; images
/// undefined for an empty part (LoaderOptions::parts).
struct Batch {
  torch::Tensor images, labels;
  std::vector<int64_t> indices;
};

class Loader {
 public:
  Loader(std::shared_ptr<const Dataset> dataset, TransformOptions transform, LoaderOptions options);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  /// Batches in an epoch.
  int64_t batches() const;
  /// Starts epoch `epoch` at batch `first` (to resume an interrupted epoch); stops any epoch in progress.
  void start(int64_t epoch, int64_t first = 0);
  /// The next batch of the epoch, waiting for the workers if needed; false at the end of the epoch. Throws
  /// wavetwin::Error when a sample fails in strict mode.
  bool next(Batch& batch);
  /// Samples skipped so far because they could not be decoded, with the reasons.
  std::vector<LoadFailure> failures() const;

 private:
  void stop();
  void work();
  Batch make_batch(int64_t b);

  std::shared_ptr<const Dataset> dataset_;
  TransformOptions transform_;
  LoaderOptions options_;
  std::vector<int64_t> order_;
  int64_t epoch_ = 0, next_to_make_ = 0, next_to_give_ = 0, end_ = 0;
  bool stopping_ = false;
  std::map<int64_t, Batch> ready_;
  std::string error_;
  std::vector<LoadFailure> failures_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
};

}  // namespace wavetwin::data
