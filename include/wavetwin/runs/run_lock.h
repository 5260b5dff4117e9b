// wavetwin/runs/run_lock.h: the owner of a training run: an exclusive lock on a file in the run's folder,
// held by the process that trains it and released by the kernel when that process ends, however it ends.
//
// Two processes never write one run: the second is refused with the first's process id. A run the store
// says is running but whose lock nobody holds was killed without recording it (RunStatus::kKilled).
#pragma once

#include <string>

namespace wavetwin::runs {

/// The folder of a run's checkpoints and lock: NAME/ beside the run store.
std::string run_directory(const std::string& store, const std::string& name);
/// The lock file of the run `name` of `store`.
std::string run_lock_path(const std::string& store, const std::string& name);

class RunLock {
 public:
  /// Takes the lock at `path` (creating the file and its folder), for the run `name`. Throws wavetwin::Error
  /// naming the run and the process holding it when another process (or another RunLock) has it.
  RunLock(const std::string& path, const std::string& name);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  /// Whether some process holds the lock at `path` (false when there is no such file).
  static bool held(const std::string& path);

 private:
  int fd_ = -1;
};

}  // namespace wavetwin::runs
