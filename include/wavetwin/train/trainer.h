// wavetwin/train/trainer.h: training a model of the zoo with a recipe: SGD with momentum and weight decay,
// the epoch schedule, gradient accumulation, the twins' filter-selection penalty, validation after every
// epoch (eval::evaluate_onecrop on the held-out part), atomic checkpoints and exact resumption.
//
// Exactness: the model is initialised from the seed, the loader's order and augmentation depend only on
// (seed, epoch), and each checkpoint holds the optimiser's momenta and the random generator's state, so a run
// resumed from its last checkpoint ends with the same weights as one never interrupted (same thread count).
//
// Data-parallel (TrainerOptions::world): the recipe's batch is the global batch; every rank takes its part of
// each batch (data::LoaderOptions::parts), the same samples with the same crops whatever the world size, and
// c10d's Reducer averages the gradients during the backward pass, each rank's loss weighted by its share, so
// that a step applies the gradient of the whole batch's mean loss. BatchNorm uses each rank's own batch
// statistics (as DistributedDataParallel), the running statistics being rank 0's, or with `sync_batch_norm` the
// whole batch's (dist/sync_batch_norm.h), which makes the ranks' steps those of one process. Rank 0 alone writes
// the checkpoints and the records; validation is shared across the ranks.
#pragma once

#include <torch/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "wavetwin/data/source.h"
#include "wavetwin/models/model.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/train/recipe.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin::dist {
class World;
class GradientReducer;
}  // namespace wavetwin::dist

namespace wavetwin::train {

/// Where an epoch is, for progress displays.
struct Progress {
  int64_t epoch = 0, epochs = 0;    ///< 1-based epoch, of `epochs`
  int64_t batch = 0, batches = 0;   ///< optimiser steps done in this epoch, of `batches`
  double loss = 0;                  ///< running mean of the epoch's training loss
  double images_per_second = 0;
  double eta_seconds = 0;           ///< to the end of the epoch
  bool validating = false;
};

struct TrainerOptions {
  Recipe recipe;
  /// Folder of this run's checkpoints: last.pt, best.pt and epoch-<N>.pt.
  std::string checkpoint_dir;
  uint64_t seed = 0;
  /// Also keep the checkpoint of every Nth epoch (0: only the last and the best).
  int64_t keep_every = 0;
  int64_t loader_threads = 0;
  /// A corrupt image stops the run instead of being skipped and counted.
  bool strict = false;
  torch::Device device = torch::kCPU;
  /// Stop after this many epochs in this call (nullopt: run to the recipe's end); the run can be resumed.
  std::optional<int64_t> stop_after;
  std::function<void(const Progress&)> progress;
  /// This process is one rank of a data-parallel job (null: it trains alone); the world outlives the trainer.
  dist::World* world = nullptr;
  /// With a world: batch normalisation with the statistics of the whole batch over the ranks (--sync-bn).
  bool sync_batch_norm = false;
};

class Trainer {
 public:
  /// `store` may be null (no records); `run` is the run's id in it.
  Trainer(std::shared_ptr<models::Model> model, data::DataSplits data, TrainerOptions options, runs::RunStore* store,
          int64_t run);
  ~Trainer();
  /// Continues from the run's last checkpoint (checkpoint_dir/last.pt; rank 0's, sent to the other ranks).
  /// Throws wavetwin::Error when absent. The store gets back the record of the checkpoint's epoch if it missed
  /// it (killed between the files and the store).
  void resume();
  /// Trains to the recipe's last epoch (or `stop_after` epochs); throws wavetwin::Error when the loss
  /// becomes NaN or infinite, keeping the last good checkpoint.
  void run();
  const runs::TrainState& state() const { return state_; }

 private:
  runs::EpochRecord train_epoch(int64_t epoch);
  void checkpoint(const runs::EpochRecord& record);
  /// The checkpoints written at the end of `epoch`, in the order written: the kept copy, best.pt, last.pt.
  std::vector<runs::CheckpointRecord> checkpoints_of(int64_t epoch) const;
  /// Records why the run stopped, if the store can still be written.
  void record_stop(runs::RunStatus status, const std::string& failure);
  /// After resumption: the store's record of the checkpoint's epoch, if it missed it.
  void recover_records();
  /// Rank 0 writes the checkpoints and the records (every process when alone).
  bool leader() const;
  /// Averages the gradients over the ranks without the reducer (a step whose last micro-batch was left out).
  void sync_gradients();

  std::shared_ptr<models::Model> model_;
  data::DataSplits data_;
  TrainerOptions options_;
  runs::RunStore* store_;
  int64_t run_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
  std::unique_ptr<dist::GradientReducer> reducer_;
  runs::TrainState state_;
};

}  // namespace wavetwin::train
