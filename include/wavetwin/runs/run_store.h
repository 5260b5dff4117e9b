// wavetwin/runs/run_store.h: the run store, an SQLite database of training runs, their per-epoch records,
// checkpoints and evaluation scores, as typed records.
//
// Written in WAL mode, each change in one transaction: readers (`wavetwin runs`) see a consistent state while
// a run writes, and a process killed mid-write leaves the database as of its last committed change. What is
// queried has a typed column (status, size, hold-out, every part of a score); the run's full options are one
// JSON object written with nlohmann-json. Stores written before the typed schema are migrated when opened.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/runs/score.h"

struct sqlite3;

namespace wavetwin::runs {

enum class RunStatus {
  kRunning,      ///< training: a process holds the run's lock (runs/run_lock.h)
  kInterrupted,  ///< stopped before the recipe's last epoch (--stop-after, or by the user); resumable
  kFinished,     ///< the recipe's last epoch is done
  kFailed,       ///< stopped by an error (RunRecord::failure says which)
  /// Recorded as running, but no process holds its lock: killed (SIGKILL, a crash, a lost machine) before it
  /// could say so. Never written: what the store reports for such a run. Resumable from its last checkpoint.
  kKilled,
};
/// "running", "interrupted", "finished", "failed", "killed" <-> RunStatus.
std::string status_name(RunStatus status);
RunStatus parse_status(const std::string& name);

struct RunRecord {
  int64_t id = 0;
  std::string name, spec, dataset, recipe;
  /// Input size of the run's recipe (what its evaluation uses by default).
  int64_t size = 0;
  /// Validation images held out per class; nullopt: the dataset's reference split.
  std::optional<int64_t> holdout;
  /// Every option of the run, as the training workflow wrote it (train::TrainRunOptions, the recipe inside).
  nlohmann::json options = nlohmann::json::object();
  std::string code_version;
  RunStatus status = RunStatus::kRunning;
  std::string failure;           ///< the error, for kFailed
  std::string created, updated;  ///< UTC, ISO 8601
  double seconds = 0;            ///< training time so far
};

/// The seed the run was trained with (its options' "seed"); nullopt for a run recorded without one.
std::optional<uint64_t> run_seed(const RunRecord& run);

/// Whether two runs were trained alike but for the seed: the same spec, dataset, recipe, training images and
/// batch-norm synchronisation (the compute settings, threads or ranks, may differ), as `wavetwin train --seeds`
/// makes them.
bool trained_alike(const RunRecord& a, const RunRecord& b);

struct EpochRecord {
  int64_t epoch = 0;  ///< 1-based
  double train_loss = 0, lr = 0;
  std::optional<double> val_top1, val_top5;  ///< errors in %; none without a validation part
  double seconds = 0, images_per_second = 0;
};

enum class CheckpointKind {
  kLast,   ///< the latest epoch's (one per run)
  kBest,   ///< the best validation's (one per run)
  kEpoch,  ///< kept copies of every Nth epoch
};

/// "last", "best", "epoch" <-> CheckpointKind.
std::string checkpoint_kind_name(CheckpointKind kind);
CheckpointKind parse_checkpoint_kind(const std::string& name);

struct CheckpointRecord {
  CheckpointKind kind = CheckpointKind::kLast;
  int64_t epoch = 0;
  std::string path;
};

/// "last", "best" or "epoch-N": how `wavetwin eval --checkpoint` names a checkpoint.
std::string checkpoint_label(const CheckpointRecord& checkpoint);

class RunStore {
 public:
  /// Opens the database at `path`, creating it and its folder when needed unless `create` is false (readers:
  /// a mistyped path is then an error, not a new empty store). Throws wavetwin::Error naming the path and
  /// the cause: no such store, not a wavetwin run store (or damaged), or one that cannot be written (read-only,
  /// disk full).
  explicit RunStore(const std::string& path, bool create = true);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }
  /// Records a new run with status kRunning; throws wavetwin::Error when the name is taken.
  int64_t create_run(const RunRecord& run);
  /// The run named `name`, if any. Its status is kKilled when it is recorded as running but nobody holds its lock.
  std::optional<RunRecord> find(const std::string& name) const;
  /// The run named `name`; throws wavetwin::Error listing what to do when there is none.
  RunRecord get(const std::string& name) const;
  std::vector<RunRecord> list() const;
  void set_status(int64_t run, RunStatus status, double seconds, const std::string& failure = "");
  /// Replaces the run's options (a resumed run given more epochs, another --keep-every).
  void set_options(int64_t run, const nlohmann::json& options);
  /// The end of an epoch in one transaction: its record, the checkpoints written for it, the status running and
  /// the training time so far. A process killed meanwhile leaves all of it or none.
  void record_epoch(int64_t run, const EpochRecord& epoch, const std::vector<CheckpointRecord>& checkpoints,
                    double seconds);
  /// Adds or replaces the record of one epoch.
  void put_epoch(int64_t run, const EpochRecord& epoch);
  std::vector<EpochRecord> epochs(int64_t run) const;
  /// Adds or replaces a checkpoint; kinds kLast and kBest have a single row each.
  void put_checkpoint(int64_t run, const CheckpointRecord& checkpoint);
  std::vector<CheckpointRecord> checkpoints(int64_t run) const;
  /// Adds or replaces scores, all in one transaction (by run, checkpoint, split, metric, direction and step:
  /// re-evaluating replaces, never duplicates).
  void put_scores(int64_t run, const std::vector<Score>& scores);
  std::vector<Score> scores(int64_t run) const;
  /// Deletes a run and everything recorded for it (not its files).
  void remove(const std::string& name);
  /// The run with its epochs, checkpoints and scores (non-finite numbers as null).
  nlohmann::json export_json(const std::string& name) const;

 private:
  void exec(const std::string& sql) const;
  void migrate();
  /// Runs `body` in a transaction of its own, or in the caller's when one is open.
  void transaction(const std::function<void()>& body);
  /// kRunning becomes kKilled when nobody holds the run's lock.
  RunRecord observed(RunRecord run) const;
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// The code version wavetwin was built from: the git commit, "-dirty" when the tree had uncommitted changes
/// ("unknown" outside a git checkout).
std::string code_version();

}  // namespace wavetwin::runs
