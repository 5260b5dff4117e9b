// wavetwin/train/train_run.h: the training workflow: create a recorded run of a model of the zoo on a dataset
// with a recipe, or resume one, and train it to the recipe's end (or for a number of epochs).
//
// What `wavetwin train` runs; the CLI only turns its flags into TrainRunOptions and prints the result.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/runs/run_store.h"
#include "wavetwin/train/recipe.h"
#include "wavetwin/train/trainer.h"

namespace wavetwin::train {

/// What a run records of its options (runs::RunRecord::options): the recipe and every setting besides it.
struct RunSettings {
  Recipe recipe;
  uint64_t seed = 0;
  int64_t threads = 0, loader_threads = 0, keep_every = 0;
  std::optional<int64_t> train_images;  ///< training on this many images, evenly spaced; nullopt: all
  bool strict = false;
  std::string device = "cpu";
  int64_t world_size = 1;  ///< ranks the run was started with (data-parallel); 1 in stores written before
  bool sync_batch_norm = false;  ///< --sync-bn; false in stores written before
};
void to_json(nlohmann::json& json, const RunSettings& settings);
/// Throws wavetwin::Error naming a missing or mistyped key.
void from_json(const nlohmann::json& json, RunSettings& settings);

/// Where a run starts, told before its first batch.
struct TrainRunStart {
  std::string name, spec, dataset, recipe;
  int64_t train_images = 0, val_images = 0;
  int64_t first_epoch = 1, epochs = 0;  ///< 1-based epoch this call starts from, of the recipe's `epochs`
};

/// Example: `train_run({.model = "R18wyC_mod", .data = "cifar10:/data/cifar10", .recipe = "cifar10-resnet"})`
///
/// Resuming (`resume`, or a restarted job), every setting comes from the run store: those left unset here are
/// the run's own, and one set to something else than the run's is refused naming it, except `epochs` (a
/// larger one extends the run; recorded), `threads`, `loader_threads`, `keep_every`, `device` and `strict`
/// (how to compute, not what: recorded; a different thread count no longer gives bit-identical results).
struct TrainRunOptions {
  /// A papers' name (R18wyC_mod) or readable spec ("resnet18 --twin cmod"); adapted to the data's classes
  /// and channels. Empty when resuming: the run's.
  std::string model;
  /// fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH (data/source.h); nullopt: fashion-mnist, or
  /// when resuming the run's.
  std::optional<std::string> data;
  /// The preset (train/recipe.h; nullopt: cifar10-resnet) and the settings that replace its own.
  std::optional<std::string> recipe;
  RecipeOverrides overrides;
  /// Run name; nullopt: MODEL-DATASET.
  std::optional<std::string> name;
  /// Run store (SQLite); the checkpoints go beside it, in NAME/.
  std::string store = "runs/wavetwin.db";
  /// Folder of decoded-dataset caches; empty: beside the data.
  std::string cache;
  /// Seed of the initialisation, the shuffles and the augmentation; nullopt: 0.
  std::optional<uint64_t> seed;
  /// Compute threads set for the run (0: the run's, else the process's setting); recorded, since exact
  /// resumption needs the same count.
  int64_t threads = 0;
  int64_t loader_threads = 0;
  /// Also keep the checkpoint of every Nth epoch (0: only the last and the best); nullopt: 0.
  std::optional<int64_t> keep_every;
  /// Train on this many images, evenly spaced over the training part; nullopt: all.
  std::optional<int64_t> train_images;
  /// Stop after this many epochs in this call (the run stays resumable); nullopt: to the recipe's end.
  std::optional<int64_t> stop_after;
  /// Continue the run `name` from its last checkpoint instead of creating it.
  bool resume = false;
  /// A restarted job (torchrun --max-restarts sets TORCHELASTIC_RESTART_COUNT): continue the run from its last
  /// checkpoint if it has one, otherwise start it afresh (replacing a record left without a checkpoint).
  bool restart = false;
  /// Stop at the first corrupt image instead of skipping it.
  bool strict = false;
  /// nullopt: the CPU.
  std::optional<torch::Device> device;
  /// This process is one rank of a data-parallel job (null: it trains alone): rank 0 opens the run store,
  /// settles the run's settings and sends them to the others, and writes the checkpoints; the others only
  /// train. The run's checkpoints resume with any number of ranks.
  dist::World* world = nullptr;
  /// Batch normalisation with the statistics of the whole batch over the ranks
  /// (TrainerOptions::sync_batch_norm); nullopt: false.
  std::optional<bool> sync_batch_norm;

  std::function<void(const TrainRunStart&)> on_start;
  std::function<void(const Progress&)> progress;
  /// Notices that do not stop the run (images left out, the model adapted to the data).
  std::function<void(const std::string&)> warn;
};

struct TrainRunResult {
  runs::RunRecord run;                   ///< as recorded at the end of this call (rank 0's only)
  std::vector<runs::EpochRecord> epochs;  ///< every epoch of the run so far (rank 0's only)
  runs::TrainState state;                 ///< epochs done, best epoch and its validation error
  std::string checkpoint_dir;
  std::string store;  ///< the run store it is recorded in
};

/// Creates (or with `resume`, continues) the run and trains it, holding its lock (runs/run_lock.h) meanwhile.
/// Throws wavetwin::Error naming the option, file or run at fault (another process training it); the run's
/// records and checkpoints stay as of its last completed epoch.
TrainRunResult train_run(const TrainRunOptions& options);

/// Example: `train_seeds({.model = "R18wyC_mod", .data = "cifar10:/data/cifar10"}, 3)`
///
/// The same recipe trained `count` times, with the seeds S, S + 1, ... (S: options.seed, default 0), one run each,
/// named BASE-seedS, BASE being options.name or else MODEL-DATASET (the model as given, the data's kind). With
/// `resume`, the runs already recorded are continued (finished ones stay as they are) and the others created;
/// without it a name already taken is refused. Returns the runs' results in the order of their seeds.
std::vector<TrainRunResult> train_seeds(const TrainRunOptions& options, int64_t count);

/// "BASE-seedS": the name of the seed's run in train_seeds.
std::string seed_run_name(const TrainRunOptions& options, uint64_t seed);

}  // namespace wavetwin::train
