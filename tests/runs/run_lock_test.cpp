// tests/runs/run_lock_test.cpp: a run has one owner; the lock dies with its process however it ends, and the
// store then reports the run as killed rather than running.
#include "wavetwin/runs/run_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "support/support.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin::runs {
namespace {

class RunLockTest : public test::TempDirTest {};

TEST_F(RunLockTest, OneOwnerAtATime) {
  const std::string path = run_lock_path(dir_ + "/runs/runs.db", "a");
  EXPECT_EQ(path, dir_ + "/runs/a/run.lock");
  EXPECT_FALSE(RunLock::held(path));
  {
    RunLock lock(path, "a");
    EXPECT_TRUE(RunLock::held(path));
    EXPECT_THROW_WITH(RunLock(path, "a"), "run a is being trained by process " + std::to_string(::getpid()));
  }
  EXPECT_FALSE(RunLock::held(path));
  RunLock again(path, "a");
  EXPECT_TRUE(RunLock::held(path));
}

// A process killed by SIGKILL while it holds the lock: the store said "running", and now says "killed".
TEST_F(RunLockTest, TheLockDiesWithItsProcessAndTheStoreSaysKilled) {
  const std::string store_path = dir_ + "/runs/runs.db";
  RunStore store(store_path);
  RunRecord record;
  record.name = "a", record.spec = "resnet18", record.dataset = "fashion-mnist", record.recipe = "cifar10-resnet";
  store.create_run(record);
  EXPECT_EQ(store.get("a").status, RunStatus::kKilled);  // recorded as running, owned by nobody
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    RunLock lock(run_lock_path(store_path, "a"), "a");
    const char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  EXPECT_EQ(store.get("a").status, RunStatus::kRunning);
  EXPECT_EQ(store.list().at(0).status, RunStatus::kRunning);
  EXPECT_THROW_WITH(RunLock(run_lock_path(store_path, "a"), "a"),
                    "run a is being trained by process " + std::to_string(child));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_EQ(store.get("a").status, RunStatus::kKilled);
  EXPECT_EQ(store.list().at(0).status, RunStatus::kKilled);
  EXPECT_EQ(status_name(RunStatus::kKilled), "killed");
  EXPECT_EQ(parse_status("killed"), RunStatus::kKilled);
  store.set_status(store.get("a").id, RunStatus::kInterrupted, 1);
  EXPECT_EQ(store.get("a").status, RunStatus::kInterrupted);  // only "running" is checked against the lock
}

}  // namespace
}  // namespace wavetwin::runs
