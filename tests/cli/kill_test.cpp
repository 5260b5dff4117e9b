// tests/cli/kill_test.cpp: fault injection (wavetwin/fault.h). A tiny training run is killed with SIGKILL at
// 24 points spread over its life (batches, validation, each checkpoint file before its rename, between the
// files and the store, inside the store's transaction), each time seen alive at that point; resumed by name
// alone, every run ends bit-identical to the run never interrupted, with the same epoch records, and the store
// passes PRAGMA integrity_check. And two trainers at once on one store, read all the while: both recorded
// whole, the store intact.
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>
#include <utility>
#include <vector>

#include "support/support.h"
#include "wavetwin/models/model.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin {
namespace {

class KillTest : public test::TempDirTest {
 protected:
  std::string store_path() const { return dir_ + "/runs/runs.db"; }
  std::string train(const std::string& name) const {
    return std::string(WAVETWIN_CLI_PATH) + " train 'resnet18 --twin rmax --classes 3' --data folder:" + dir_ +
           "/tiny --holdout 2 --epochs 3 --batch 6 --size 16 --lr 0.02 --seed 4 --keep-every 1 --threads 1 --store " +
           store_path() + " --name " + name;
  }
  std::string resume(const std::string& name) const {
    return std::string(WAVETWIN_CLI_PATH) + " train --resume --name " + name + " --store " + store_path();
  }
};

std::string integrity(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

TEST_F(KillTest, EveryKillPointResumesBitIdentical) {
  test::write_image_folder(dir_ + "/tiny");  // 18 training images: 3 steps of 6 per epoch, 3 epochs
  std::string out;
  ASSERT_EQ(test::run_command(train("straight"), &out), 0) << out;
  // Per epoch: 3 batches, 1 validation, 2 or 3 files written (epoch-N.pt, best.pt when best, last.pt; at
  // least 7 in all), 1 set of checkpoints saved, 1 store transaction (the epoch's records).
  const std::vector<std::pair<std::string, int>> points = {
      {"batch", 1},        {"batch", 2},        {"batch", 3},        {"batch", 4},        {"batch", 5},
      {"batch", 6},        {"batch", 8},        {"batch", 9},        {"validation", 1},   {"validation", 2},
      {"validation", 3},   {"file.written", 1}, {"file.written", 2}, {"file.written", 3}, {"file.written", 4},
      {"file.written", 5}, {"file.written", 6}, {"file.written", 7}, {"checkpoint.saved", 1},
      {"checkpoint.saved", 2}, {"checkpoint.saved", 3}, {"store.commit", 1}, {"store.commit", 2},
      {"store.commit", 3}};
  const auto spec = models::parse_model_spec("resnet18 --twin rmax --classes 3");
  const auto straight = models::make_model(spec);
  ASSERT_EQ(runs::load_checkpoint(dir_ + "/runs/straight/last.pt", *straight, nullptr).epoch, 3);
  runs::RunStore store(store_path());
  const std::vector<runs::EpochRecord> straight_epochs = store.epochs(store.get("straight").id);
  int survived = 0, tried = 0;
  for (const auto& [point, hit] : points) {
    const std::string where = point + " #" + std::to_string(hit);
    std::string name = point + "-" + std::to_string(hit);
    std::replace(name.begin(), name.end(), '.', '-');
    ++tried;
    const int killed =
        test::run_command("WAVETWIN_KILL_AT=" + point + ":" + std::to_string(hit) + " " + train(name), &out);
    EXPECT_NE(killed, 0) << where << "\n" << out;
    // The run said it reached the point, alive, just before it was killed.
    ASSERT_NE(out.find("wavetwin: fault injection: SIGKILL at " + where), std::string::npos) << where << "\n" << out;
    EXPECT_EQ(store.get(name).status, runs::RunStatus::kKilled) << where;
    EXPECT_EQ(integrity(store_path()), "ok") << where;
    ASSERT_EQ(test::run_command(resume(name), &out), 0) << where << "\n" << out;
    const auto resumed = models::make_model(spec);
    EXPECT_EQ(runs::load_checkpoint(dir_ + "/runs/" + name + "/last.pt", *resumed, nullptr).epoch, 3) << where;
    bool identical = true;
    const auto parameters = resumed->named_parameters();
    for (const auto& p : straight->named_parameters()) identical = identical && torch::equal(p.value(), parameters[p.key()]);
    const runs::RunRecord run = store.get(name);
    EXPECT_EQ(run.status, runs::RunStatus::kFinished) << where;
    const std::vector<runs::EpochRecord> epochs = store.epochs(run.id);
    bool same_records = epochs.size() == straight_epochs.size();
    for (size_t e = 0; same_records && e < epochs.size(); ++e) {
      same_records = epochs[e].train_loss == straight_epochs[e].train_loss && epochs[e].val_top1 == straight_epochs[e].val_top1;
    }
    EXPECT_TRUE(identical) << where << ": the resumed weights differ";
    EXPECT_TRUE(same_records) << where << ": the epoch records differ";
    size_t kept = 0;
    for (const auto& c : store.checkpoints(run.id)) kept += c.kind == runs::CheckpointKind::kEpoch ? 1 : 0;
    EXPECT_EQ(kept, 3u) << where;
    EXPECT_EQ(integrity(store_path()), "ok") << where;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/runs/" + name)) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << where << ": " << entry.path();
    }
    survived += identical && same_records ? 1 : 0;
  }
  std::printf("kill points survived: %d of %d tried\n", survived, tried);
  EXPECT_EQ(survived, tried);
}

TEST_F(KillTest, TwoTrainersAndReadersShareOneStore) {
  test::write_image_folder(dir_ + "/tiny");
  std::string first_out, second_out;
  auto first = std::async(std::launch::async, [&] { return test::run_command(train("first"), &first_out); });
  auto second = std::async(std::launch::async, [&] { return test::run_command(train("second"), &second_out); });
  // Readers all the while, once the store has its tables: the command line's and the library's, each answering
  // without "database is locked".
  int reads = 0;
  bool created = false;
  std::string out;
  while (first.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready ||
         second.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!created) {
      try {
        runs::RunStore probe(store_path(), false);
        created = true;
      } catch (const Error&) {
        continue;
      }
    }
    ASSERT_EQ(test::run_command(std::string(WAVETWIN_CLI_PATH) + " runs list --store " + store_path(), &out), 0) << out;
    runs::RunStore reader(store_path(), false);
    for (const runs::RunRecord& run : reader.list()) reader.epochs(run.id);
    ++reads;
  }
  ASSERT_EQ(first.get(), 0) << first_out;
  ASSERT_EQ(second.get(), 0) << second_out;
  EXPECT_GT(reads, 2) << "the readers never overlapped the training";
  runs::RunStore store(store_path());
  ASSERT_EQ(store.list().size(), 2u);
  const auto spec = models::parse_model_spec("resnet18 --twin rmax --classes 3");
  std::vector<std::vector<runs::EpochRecord>> records;
  std::vector<std::shared_ptr<models::Model>> models_trained;
  for (const std::string name : {"first", "second"}) {
    const runs::RunRecord run = store.get(name);
    EXPECT_EQ(run.status, runs::RunStatus::kFinished) << name;
    records.push_back(store.epochs(run.id));
    EXPECT_EQ(records.back().size(), 3u) << name;
    models_trained.push_back(models::make_model(spec));
    EXPECT_EQ(runs::load_checkpoint(dir_ + "/runs/" + name + "/last.pt", *models_trained.back(), nullptr).epoch, 3);
  }
  // Same seed, same settings, one thread each: sharing the store changed nothing in either run.
  for (size_t e = 0; e < std::min(records[0].size(), records[1].size()); ++e) {
    EXPECT_EQ(records[0][e].train_loss, records[1][e].train_loss) << "epoch " << e + 1;
  }
  const auto second_parameters = models_trained[1]->named_parameters();
  for (const auto& p : models_trained[0]->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), second_parameters[p.key()])) << p.key();
  }
  EXPECT_EQ(integrity(store_path()), "ok");
}

}  // namespace
}  // namespace wavetwin
