// wavetwin/train/run_store.h: the run store, an SQLite database of training runs, their per-epoch records,
// checkpoints and evaluation scores.
//
// Written in WAL mode, each change in one transaction: readers (`wavetwin runs`) see a consistent state while
// a run writes, and a process killed mid-write leaves the database as of its last committed change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace wavetwin::train {

struct RunRecord {
  int64_t id = 0;
  std::string name, spec, dataset, recipe;
  std::string options;  ///< every option of the run, as JSON
  std::string code_version;
  std::string status;  ///< "running", "interrupted", "finished", "failed: ..."
  std::string created, updated;  ///< UTC, ISO 8601
  double seconds = 0;            ///< training time so far
};

struct EpochRecord {
  int64_t epoch = 0;  ///< 1-based
  double train_loss = 0, lr = 0;
  double val_top1 = -1, val_top5 = -1;  ///< errors in %; -1 when there is no validation part
  double seconds = 0, images_per_second = 0;
};

struct CheckpointRecord {
  std::string kind;  ///< "last", "best" or "epoch"
  int64_t epoch = 0;
  std::string path;
};

struct ScoreRecord {
  std::string checkpoint;  ///< the checkpoint evaluated
  std::string metric;      ///< e.g. "onecrop_top1"
  double value = 0;
};

class RunStore {
 public:
  /// Opens (creating it and its folder when needed) the database at `path`. Throws wavetwin::Error naming
  /// the path when it is not a wavetwin run store or cannot be opened.
  explicit RunStore(const std::string& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// Records a new run with status "running"; throws wavetwin::Error when the name is taken.
  int64_t create_run(const RunRecord& run);
  std::optional<RunRecord> find(const std::string& name) const;
  /// The run named `name`; throws wavetwin::Error listing what to do when there is none.
  RunRecord get(const std::string& name) const;
  std::vector<RunRecord> list() const;
  void set_status(int64_t run, const std::string& status, double seconds);
  /// Adds or replaces the record of one epoch.
  void put_epoch(int64_t run, const EpochRecord& epoch);
  std::vector<EpochRecord> epochs(int64_t run) const;
  /// Adds or replaces a checkpoint; kinds "last" and "best" have a single row each.
  void put_checkpoint(int64_t run, const CheckpointRecord& checkpoint);
  std::vector<CheckpointRecord> checkpoints(int64_t run) const;
  /// Adds or replaces a score (by run, checkpoint and metric: re-evaluating replaces, never duplicates).
  void put_score(int64_t run, const ScoreRecord& score);
  std::vector<ScoreRecord> scores(int64_t run) const;
  /// Deletes a run and everything recorded for it (not its files).
  void remove(const std::string& name);
  /// The run with its epochs, checkpoints and scores, as JSON.
  std::string export_json(const std::string& name) const;

 private:
  void exec(const std::string& sql) const;
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// The code version wavetwin was built from (git commit, or "unknown").
std::string code_version();

/// The first whole number recorded under "key" in a flat JSON text such as RunRecord::options, if any.
std::optional<int64_t> json_integer(const std::string& json, const std::string& key);

/// A string as a JSON string literal.
std::string json_quote(const std::string& text);

}  // namespace wavetwin::train
