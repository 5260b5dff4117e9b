// apps/wavetwin/distributed.h: the data-parallel flags of `wavetwin train` and `wavetwin eval`: --nproc N
// starts N local ranks of the same command; --world-size/--rank/--master join one rank by hand; without
// either, torchrun's environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) is used when it is set.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "wavetwin/dist/world.h"

namespace wavetwin::cli {

struct DistributedFlags {
  int64_t nproc = 0, nnodes = 1, node_rank = 0;
  std::optional<int64_t> world_size, rank;
  std::optional<std::string> master;
  double timeout = 60;
};

void add_distributed_flags(CLI::App* sub, DistributedFlags& flags);

/// With --nproc: runs this command once per local rank (without the launch flags, with torchrun's
/// environment; the other ranks' output in LOG_DIR/rank-R.log) and waits for them; returns true, or throws
/// wavetwin::Error naming the rank that failed. Without --nproc: returns false.
bool launch_ranks(const DistributedFlags& flags, const std::string& log_dir);

/// This process's rank from the flags or the environment (null: not distributed). `threads` (0: unset) is
/// set to the cores divided among the machine's ranks.
std::unique_ptr<dist::World> join_world(const DistributedFlags& flags, int64_t& threads);

}  // namespace wavetwin::cli
