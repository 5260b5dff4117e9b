// tests/train/run_store_test.cpp: runs, epochs, checkpoints and scores in SQLite; concurrent readers;
// replacing scores; JSON export; bad stores.
#include "wavetwin/train/run_store.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"

namespace wavetwin::train {
namespace {

class RunStoreTest : public test::TempDirTest {
 protected:
  RunRecord sample(const std::string& name) const {
    RunRecord r;
    r.name = name, r.spec = "resnet18 --twin cmod --classes 10", r.dataset = "cifar10:/data", r.recipe = "cifar10-resnet";
    r.options = "{\"seed\": 3}", r.code_version = code_version();
    return r;
  }
};

TEST_F(RunStoreTest, RecordsRunsEpochsCheckpointsAndScores) {
  RunStore store(dir_ + "/sub/runs.db");
  const int64_t id = store.create_run(sample("a"));
  store.put_epoch(id, {1, 2.3, 0.1, 80, 40, 12.5, 3600});
  store.put_epoch(id, {2, 1.9, 0.1, 70, 30, 12.0, 3700});
  store.put_epoch(id, {2, 1.8, 0.1, 69, 29, 12.0, 3700});  // replaced, not duplicated
  store.put_checkpoint(id, {"last", 1, "a/last.pt"});
  store.put_checkpoint(id, {"last", 2, "a/last.pt"});
  store.put_checkpoint(id, {"best", 2, "a/best.pt"});
  store.put_checkpoint(id, {"epoch", 2, "a/epoch-2.pt"});
  store.put_score(id, {"a/best.pt", "onecrop_top1", 30});
  store.put_score(id, {"a/best.pt", "onecrop_top1", 29.5});
  store.set_status(id, "finished", 24.5);

  RunStore reader(dir_ + "/sub/runs.db");  // a second connection sees every committed change
  const RunRecord r = reader.get("a");
  EXPECT_EQ(r.status, "finished");
  EXPECT_EQ(r.seconds, 24.5);
  EXPECT_EQ(r.spec, "resnet18 --twin cmod --classes 10");
  const auto epochs = reader.epochs(r.id);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[1].train_loss, 1.8);
  const auto checkpoints = reader.checkpoints(r.id);
  ASSERT_EQ(checkpoints.size(), 3u);  // one "last", one "best", one kept epoch
  const auto scores = reader.scores(r.id);
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].value, 29.5);
  const std::string json = reader.export_json("a");
  EXPECT_NE(json.find("\"options\": {\"seed\": 3}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"val_top1\": 69"), std::string::npos) << json;
  if (test::python_has({"json"})) {
    std::ofstream(dir_ + "/a.json") << json;
    std::string out;
    EXPECT_EQ(test::run_command(test::python() + " -c \"import json; d = json.load(open('" + dir_ +
                                    "/a.json')); assert d['epochs'][1]['epoch'] == 2 and d['status'] == 'finished'\"",
                                &out),
              0)
        << out;
  }
  store.create_run(sample("b"));
  EXPECT_EQ(reader.list().size(), 2u);
  store.remove("a");
  EXPECT_FALSE(reader.find("a").has_value());
  EXPECT_EQ(reader.list().size(), 1u);
}

TEST_F(RunStoreTest, MistakesAreNamed) {
  RunStore store(dir_ + "/runs.db");
  store.create_run(sample("a"));
  EXPECT_THROW_WITH(store.create_run(sample("a")), "a run named 'a' exists; expected a new name, --resume");
  EXPECT_THROW_WITH(store.get("zzz"), "no run named 'zzz'");
  EXPECT_THROW_WITH(store.remove("zzz"), "no run named 'zzz'");
  std::ofstream(dir_ + "/junk.db") << "this is not a database, just text that is long enough to be read as a header";
  EXPECT_THROW_WITH(RunStore(dir_ + "/junk.db"), "junk.db: not a wavetwin run store");
  EXPECT_EQ(json_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(json_integer("{\"recipe\": {\"size\": 32, \"holdout\": -1}}", "holdout"), -1);
  EXPECT_EQ(json_integer("{\"size\": 32}", "size"), 32);
  EXPECT_FALSE(json_integer("{\"size\": 32}", "epochs").has_value());
}

}  // namespace
}  // namespace wavetwin::train
