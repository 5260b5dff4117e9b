// tests/runs/run_store_test.cpp: runs, epochs, checkpoints and typed scores in SQLite; concurrent readers;
// replacing scores; NULL for what is missing or not finite; JSON export; migration of version-0 stores; bad
// stores.
#include "wavetwin/runs/run_store.h"

#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/support.h"

namespace wavetwin::runs {
namespace {

using data::ShiftDirection;

class RunStoreTest : public test::TempDirTest {
 protected:
  RunRecord sample(const std::string& name) const {
    RunRecord r;
    r.name = name, r.spec = "resnet18 --twin cmod --classes 10", r.dataset = "cifar10:/data", r.recipe = "cifar10-resnet";
    r.size = 32, r.holdout = 100;
    r.options = {{"seed", 3}, {"recipe", {{"size", 32}}}}, r.code_version = code_version();
    return r;
  }

  // Whether /usr/bin/python3's json module parses `text` and `check` (a Python expression over d) holds.
  void expect_python_json(const std::string& text, const std::string& check) {
    if (!test::python_has({"json"})) GTEST_SKIP() << "needs /usr/bin/python3";
    std::ofstream(dir_ + "/x.json") << text;
    std::string out;
    EXPECT_EQ(test::run_command(test::python() + " -c \"import json; d = json.load(open('" + dir_ +
                                    "/x.json'), parse_constant=lambda c: 1 / 0); assert " + check + "\"",
                                &out),
              0)
        << out << text;
  }
};

TEST_F(RunStoreTest, RecordsRunsEpochsCheckpointsAndScores) {
  RunStore store(dir_ + "/sub/runs.db");
  const int64_t id = store.create_run(sample("a"));
  store.put_epoch(id, {1, 2.3, 0.1, 80, 40, 12.5, 3600});
  store.put_epoch(id, {2, 1.9, 0.1, 70, 30, 12.0, 3700});
  store.put_epoch(id, {2, 1.8, 0.1, 69, 29, 12.0, 3700});  // replaced, not duplicated
  store.put_checkpoint(id, {CheckpointKind::kLast, 1, "a/last.pt"});
  store.put_checkpoint(id, {CheckpointKind::kLast, 2, "a/last.pt"});
  store.put_checkpoint(id, {CheckpointKind::kBest, 2, "a/best.pt"});
  store.put_checkpoint(id, {CheckpointKind::kEpoch, 2, "a/epoch-2.pt"});
  store.put_scores(id, {{"a/best.pt", Split::kTest, Metric::kOnecropTop1, {}, {}, 30},
                        {"a/best.pt", Split::kTest, Metric::kKl, ShiftDirection::kVertical, 0, 0.0},
                        {"a/best.pt", Split::kTest, Metric::kKl, ShiftDirection::kVertical, 1, 0.5}});
  // Replaced by (checkpoint, split, metric, direction, step); another split or step is another score.
  store.put_scores(id, {{"a/best.pt", Split::kTest, Metric::kOnecropTop1, {}, {}, 29.5},
                        {"a/best.pt", Split::kVal, Metric::kOnecropTop1, {}, {}, 28},
                        {"a/best.pt", Split::kTest, Metric::kKl, ShiftDirection::kVertical, 1, 0.25}});
  Score with_images{"a/best.pt", Split::kTest, Metric::kOnecropTop5, {}, {}, 50.0, 0.0, 100.0};
  with_images.images = {4, 9, -1, 2147483647}, with_images.per_image = {100, 0, 1e-300, 100};
  store.put_scores(id, {with_images});
  store.set_status(id, RunStatus::kFinished, 24.5);

  RunStore reader(dir_ + "/sub/runs.db");  // a second connection sees every committed change
  const RunRecord r = reader.get("a");
  EXPECT_EQ(r.status, RunStatus::kFinished);
  EXPECT_EQ(r.seconds, 24.5);
  EXPECT_EQ(r.spec, "resnet18 --twin cmod --classes 10");
  EXPECT_EQ(r.size, 32);
  EXPECT_EQ(r.holdout, 100);
  EXPECT_EQ(r.options.at("seed"), 3);
  const auto epochs = reader.epochs(r.id);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[1].train_loss, 1.8);
  EXPECT_EQ(epochs[1].val_top1, 69);
  const auto checkpoints = reader.checkpoints(r.id);
  ASSERT_EQ(checkpoints.size(), 3u);  // one "last", one "best", one kept epoch
  for (const auto& c : checkpoints) {
    EXPECT_EQ(checkpoint_label(c), c.kind == CheckpointKind::kEpoch ? "epoch-2" : checkpoint_kind_name(c.kind));
  }
  const auto scores = reader.scores(r.id);
  ASSERT_EQ(scores.size(), 5u);
  for (const auto& score : scores) {
    if (score.metric != Metric::kOnecropTop5) {
      EXPECT_FALSE(score.low || score.high || !score.images.empty() || !score.per_image.empty());
      continue;
    }
    EXPECT_EQ(score.low, 0.0);
    EXPECT_EQ(score.high, 100.0);
    EXPECT_EQ(score.images, with_images.images);
    EXPECT_EQ(score.per_image, with_images.per_image);
  }
  with_images.per_image.pop_back();
  EXPECT_THROW_WITH(store.put_scores(id, {with_images}), "with 4 image indices and 3 per-image values");
  EXPECT_EQ(find_score(scores, Split::kTest, Metric::kOnecropTop1), 29.5);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kOnecropTop1), 28);
  EXPECT_EQ(score_series(scores, Split::kTest, Metric::kKl).at(ShiftDirection::kVertical),
            (std::vector<double>{0.0, 0.25}));
  const std::string json = reader.export_json("a").dump(2);
  expect_python_json(json, "d['epochs'][1]['epoch'] == 2 and d['status'] == 'finished' and d['options']['seed'] == 3 "
                           "and d['holdout'] == 100 and len(d['scores']) == 5 and "
                           "[(s['low'], s['high'], s['images']) for s in d['scores'] if s['metric'] == 'onecrop_top5'] "
                           "== [(0, 100, 4)]");
  store.create_run(sample("b"));
  EXPECT_EQ(reader.list().size(), 2u);
  store.remove("a");
  EXPECT_FALSE(reader.find("a").has_value());
  EXPECT_EQ(reader.list().size(), 1u);
}

// The commit the library was built from, marked when the tree had uncommitted changes (a build of a git
// checkout: CI builds a clone).
TEST_F(RunStoreTest, RunsTrainedAlikeButForTheSeed) {
  const RunRecord a = sample("a");
  EXPECT_EQ(run_seed(a), 3u);
  RunRecord b = sample("b");
  b.options["seed"] = 4, b.options["threads"] = 2;  // how it computed is not what it trained
  EXPECT_TRUE(trained_alike(a, b));
  EXPECT_EQ(run_seed(b), 4u);
  RunRecord other = b;
  other.options["recipe"]["size"] = 64;
  EXPECT_FALSE(trained_alike(a, other));
  other = b, other.options["train_images"] = 1000;
  EXPECT_FALSE(trained_alike(a, other));
  other = b, other.options["sync_batch_norm"] = true;
  EXPECT_FALSE(trained_alike(a, other));
  other = b, other.spec = "resnet18 --classes 10";
  EXPECT_FALSE(trained_alike(a, other));
  other = b, other.dataset = "cifar10:/elsewhere";
  EXPECT_FALSE(trained_alike(a, other));
  other = b, other.options.erase("seed");
  EXPECT_FALSE(run_seed(other).has_value());
}

TEST_F(RunStoreTest, TheCodeVersionIsTheBuiltCommit) {
  EXPECT_TRUE(std::regex_match(code_version(), std::regex("[0-9a-f]{7,40}(-dirty)?"))) << code_version();
}

TEST_F(RunStoreTest, MissingAndNonFiniteNumbersAreNullEverywhere) {
  RunStore store(dir_ + "/runs.db");
  RunRecord record = sample("a");
  record.holdout.reset();
  const int64_t id = store.create_run(record);
  store.put_epoch(id, {1, 2.3, 0.1, std::nullopt, std::nullopt, 12.5, 3600});
  store.put_scores(id, {{"a/last.pt", Split::kTest, Metric::kConsistency, {}, {}, std::nan("")},
                        {"a/last.pt", Split::kTest, Metric::kFlipRate, ShiftDirection::kDiagonal, 1, INFINITY}});
  store.set_status(id, RunStatus::kFailed, 1, "epoch 1: the loss is nan");
  const RunRecord r = store.get("a");
  EXPECT_FALSE(r.holdout.has_value());
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.failure, "epoch 1: the loss is nan");
  EXPECT_FALSE(store.epochs(id)[0].val_top1.has_value());
  for (const auto& s : store.scores(id)) EXPECT_TRUE(std::isnan(s.value)) << metric_name(s.metric);
  expect_python_json(store.export_json("a").dump(), "d['holdout'] is None and d['epochs'][0]['val_top1'] is None and "
                                                    "[s['value'] for s in d['scores']] == [None, None]");
}

TEST_F(RunStoreTest, MigratesAVersionZeroStore) {
  // The schema and records that wavetwin wrote before the typed records.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/old.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, R"(
    CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, spec TEXT, dataset TEXT, recipe TEXT,
      options TEXT, code_version TEXT, status TEXT, created TEXT, updated TEXT, seconds REAL);
    CREATE TABLE epochs (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER, train_loss REAL, lr REAL,
      val_top1 REAL, val_top5 REAL, seconds REAL, images_per_second REAL, PRIMARY KEY (run, epoch));
    CREATE TABLE checkpoints (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, kind TEXT, epoch INTEGER, path TEXT,
      PRIMARY KEY (run, kind, epoch));
    CREATE TABLE scores (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, checkpoint TEXT, metric TEXT, value REAL,
      PRIMARY KEY (run, checkpoint, metric));
    INSERT INTO runs VALUES (1, 'a', 'resnet18', 'fashion-mnist', 'cifar10-resnet',
      '{"recipe": {"name": "cifar10-resnet", "size": 32, "holdout": -1, "epochs": 3}, "seed": 0, "train_images": 0}',
      'abc', 'failed: epoch 2: the loss is nan', 't0', 't1', 5);
    INSERT INTO runs VALUES (2, 'b', 'resnet18', 'fashion-mnist', 'cifar10-resnet',
      '{"recipe": {"name": "cifar10-resnet", "size": 16, "holdout": 3}}', 'abc', 'finished', 't0', 't1', 5);
    INSERT INTO epochs VALUES (1, 1, 2.0, 0.1, -1, -1, 1, 100);
    INSERT INTO checkpoints VALUES (1, 'best', 1, 'a/best.pt');
    INSERT INTO scores VALUES (1, 'a/best.pt', 'test/onecrop_top1', 40);
    INSERT INTO scores VALUES (1, 'a/best.pt', 'val/kl/horizontal/3', 0.5);
    INSERT INTO scores VALUES (1, 'a/best.pt', 'val/fr/diagonal/2', 0.25);
    INSERT INTO scores VALUES (1, 'a/best.pt', 'val/fr/pixel_divide', 1);
    INSERT INTO scores VALUES (1, 'a/best.pt', 'val/shifts/reference_quirks', 0);
  )", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  RunStore store(dir_ + "/old.db");
  const RunRecord a = store.get("a"), b = store.get("b");
  EXPECT_EQ(a.status, RunStatus::kFailed);
  EXPECT_EQ(a.failure, "epoch 2: the loss is nan");
  EXPECT_EQ(a.size, 32);
  EXPECT_FALSE(a.holdout.has_value());
  EXPECT_EQ(b.status, RunStatus::kFinished);
  EXPECT_EQ(b.size, 16);
  EXPECT_EQ(b.holdout, 3);
  EXPECT_FALSE(store.epochs(a.id)[0].val_top1.has_value());
  const auto scores = store.scores(a.id);
  ASSERT_EQ(scores.size(), 5u);
  EXPECT_EQ(find_score(scores, Split::kTest, Metric::kOnecropTop1), 40);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kKl, ShiftDirection::kHorizontal, 3), 0.5);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kFlipRate, ShiftDirection::kDiagonal, 2), 0.25);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kFlipRatePixelDivide), 1);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kReferenceQuirks), 0);
  RunStore again(dir_ + "/old.db");  // migrated once
  EXPECT_EQ(again.scores(a.id).size(), 5u);
}

TEST_F(RunStoreTest, MigratesAVersionOneStore) {
  // Version 1: scores without intervals or per-image values.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/v1.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, R"(
    CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, spec TEXT, dataset TEXT, recipe TEXT,
      options TEXT, code_version TEXT, status TEXT, created TEXT, updated TEXT, seconds REAL, size INTEGER,
      holdout INTEGER, failure TEXT);
    CREATE TABLE epochs (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER, train_loss REAL, lr REAL,
      val_top1 REAL, val_top5 REAL, seconds REAL, images_per_second REAL, PRIMARY KEY (run, epoch));
    CREATE TABLE checkpoints (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, kind TEXT, epoch INTEGER, path TEXT,
      PRIMARY KEY (run, kind, epoch));
    CREATE TABLE scores (run INTEGER REFERENCES runs(id) ON DELETE CASCADE, checkpoint TEXT NOT NULL,
      split TEXT NOT NULL, metric TEXT NOT NULL, direction TEXT, step INTEGER, value REAL);
    INSERT INTO runs VALUES (1, 'a', 'resnet18', 'cifar10:/d', 'cifar10-resnet', '{}', 'abc', 'finished', 't0', 't1',
      5, 32, NULL, '');
    INSERT INTO scores VALUES (1, 'a/best.pt', 'test', 'flip_rate', 'vertical', 2, 0.125);
    PRAGMA user_version = 1;
  )", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  RunStore store(dir_ + "/v1.db");
  const auto scores = store.scores(1);
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].value, 0.125);
  EXPECT_FALSE(scores[0].low.has_value());
  EXPECT_TRUE(scores[0].per_image.empty());
  Score s{"a/best.pt", Split::kTest, Metric::kConsistency, {}, {}, 50.0, 40.0, 60.0};
  s.images = {0, 1}, s.per_image = {0, 100};
  store.put_scores(1, {s});
  EXPECT_EQ(RunStore(dir_ + "/v1.db").scores(1)[0].per_image, s.per_image);  // consistency sorts first
}

// A store damaged on disk is named with its path when opened, before any work is done with it.
TEST_F(RunStoreTest, ADamagedStoreIsRefusedWhenOpened) {
  {
    RunStore store(dir_ + "/runs.db");
    for (int i = 0; i < 40; ++i) store.put_epoch(store.create_run(sample("r" + std::to_string(i))), {1, 2, 0.1, 50, 10, 1, 1});
  }
  std::fstream file(dir_ + "/runs.db", std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(8192);
  file << std::string(4096, 'U');
  file.close();
  EXPECT_THROW_WITH(RunStore(dir_ + "/runs.db"), dir_ + "/runs.db: not a wavetwin run store, or a damaged one");
}

// An epoch's records, its checkpoints and the status go in together.
TEST_F(RunStoreTest, AnEpochIsRecordedInOneTransaction) {
  RunStore store(dir_ + "/runs.db");
  const int64_t id = store.create_run(sample("a"));
  store.set_status(id, RunStatus::kInterrupted, 1);
  store.record_epoch(id, {3, 1.5, 0.01, 40, 20, 2, 50},
                     {{CheckpointKind::kEpoch, 3, "a/epoch-3.pt"}, {CheckpointKind::kBest, 3, "a/best.pt"},
                      {CheckpointKind::kLast, 3, "a/last.pt"}},
                     7.5);
  RunStore reader(dir_ + "/runs.db");
  const RunRecord r = reader.get("a");
  EXPECT_EQ(r.seconds, 7.5);
  ASSERT_EQ(reader.epochs(id).size(), 1u);
  EXPECT_EQ(reader.epochs(id)[0].train_loss, 1.5);
  EXPECT_EQ(reader.checkpoints(id).size(), 3u);
  store.set_options(id, {{"seed", 9}});
  EXPECT_EQ(reader.get("a").options.at("seed"), 9);
}

TEST_F(RunStoreTest, MistakesAreNamed) {
  RunStore store(dir_ + "/runs.db");
  store.create_run(sample("a"));
  EXPECT_THROW_WITH(store.create_run(sample("a")), "a run named 'a' exists; expected a new name, --resume");
  EXPECT_THROW_WITH(store.get("zzz"), "no run named 'zzz'");
  EXPECT_THROW_WITH(store.remove("zzz"), "no run named 'zzz'");
  std::ofstream(dir_ + "/junk.db") << "this is not a database, just text that is long enough to be read as a header";
  EXPECT_THROW_WITH(RunStore(dir_ + "/junk.db"), "junk.db: not a wavetwin run store");
  EXPECT_THROW_WITH(RunStore(dir_ + "/mistyped.db", /*create=*/false), "mistyped.db: no such run store");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/mistyped.db"));
  EXPECT_THROW_WITH(RunStore(dir_ + "/"), ": a folder; expected the run store's file");
  EXPECT_THROW_WITH(parse_status("done"), "run status 'done': unknown");
  EXPECT_THROW_WITH(parse_checkpoint_kind("first"), "checkpoint kind 'first'");
}

}  // namespace
}  // namespace wavetwin::runs
