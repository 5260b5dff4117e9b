// wavetwin/dist/launch.h: starting the local ranks of a data-parallel job (`wavetwin train --nproc N`):
// N copies of a command with torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT), watched until they end; when one fails, the others are given a bounded time to
// stop by themselves (they notice the lost rank) and are then killed, so that nothing hangs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wavetwin::dist {

struct LaunchOptions {
  /// The program and its arguments, run once per local rank.
  std::vector<std::string> command;
  /// Ranks on this machine, machines in the job and this machine's index: global rank node_rank * nproc + local.
  int64_t nproc = 1, nnodes = 1, node_rank = 0;
  /// The rendezvous address; port 0: a free port of this machine (single machine only).
  std::string master_addr = "127.0.0.1";
  int64_t master_port = 0;
  /// Where the output of every local rank but the first goes, as rank-<R>.log (the first keeps the terminal).
  std::string log_dir = ".";
  /// After a rank fails, how long the others may take to stop before they are killed.
  std::chrono::milliseconds grace{60000};
};

struct LaunchResult {
  /// 0 when every rank succeeded; otherwise the failing rank's exit status (128 + signal when killed).
  int exit_code = 0;
  std::optional<int64_t> failed_rank;
  /// "exited with status 2", "was killed by signal 9".
  std::string reason;
  std::vector<std::string> logs;  ///< the other ranks' log files
};

/// Starts the ranks and waits for them. Throws wavetwin::Error for impossible options or when a rank cannot
/// be started.
LaunchResult launch_local(const LaunchOptions& options);

/// A TCP port of 127.0.0.1 free at the time of the call.
int64_t free_port();

}  // namespace wavetwin::dist
