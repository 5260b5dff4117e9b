// wavetwin/dist/world.h: the processes of a data-parallel job (ranks) joined into one c10d process group:
// the rendezvous on a TCPStore at the master's address, Gloo for the collectives (CPU tensors), and the
// collectives the trainer and the evaluation need.
//
// The launch contract is torchrun's: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, and
// GLOO_SOCKET_IFNAME for the network interface(s) the collectives use.
#pragma once

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wavetwin/eval/predict.h"

namespace wavetwin::dist {

struct WorldOptions {
  int64_t size = 1, rank = 0;
  /// The rank's index among the ranks of its machine, and their count.
  int64_t local_rank = 0, local_size = 1;
  /// Where rank 0 serves the rendezvous store.
  std::string master_addr = "127.0.0.1";
  int64_t master_port = 29500;
  /// How long the rendezvous and every collective may wait for the other ranks before failing.
  std::chrono::milliseconds timeout{60000};
  /// Gloo's worker threads. On CPU the collectives take cores from the computation: with the gradient
  /// buckets reduced one after another, one thread gave 3-7 % more images/s than Gloo's default of two on
  /// 2 ranks of a 2-core machine (bench/dist_scaling.sh, 2026-12-04).
  int64_t collective_threads = 1;
};

/// The options torchrun's environment gives; nullopt when WORLD_SIZE is not set. Throws wavetwin::Error
/// naming a variable that is missing (RANK, MASTER_ADDR, MASTER_PORT with WORLD_SIZE) or out of range.
std::optional<WorldOptions> world_from_environment();

/// "HOST:PORT" as (host, port); throws wavetwin::Error naming `what` when malformed.
std::pair<std::string, int64_t> parse_address(const std::string& address, const std::string& what = "--master");

/// Compute threads for a rank: the machine's cores divided among its local ranks (at least one).
int64_t threads_per_rank(const WorldOptions& options);

/// Checks size >= 1, 0 <= rank < size, 0 <= local_rank < local_size, a port in 1..65535, a positive timeout
/// and at least one collective thread.
void validate(const WorldOptions& options);

/// One rank's membership of the job.
class World {
 public:
  /// Joins the others: rank 0 serves the store, every rank waits for all of them. Throws wavetwin::Error
  /// naming the master address, the rank and the timeout when they do not all arrive in time.
  explicit World(const WorldOptions& options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int64_t rank() const { return options_.rank; }
  int64_t size() const { return options_.size; }
  const WorldOptions& options() const { return options_; }
  const c10::intrusive_ptr<c10d::ProcessGroup>& group() const { return group_; }

  /// Sums every tensor over the ranks, in place (CPU tensors of any shapes and floating or integer types).
  void all_reduce_sum(std::vector<torch::Tensor>& tensors);
  /// Overwrites the tensors with rank `root`'s, in place.
  void broadcast(std::vector<torch::Tensor>& tensors, int64_t root = 0);
  /// Rank `root`'s `bytes`, on every rank (what the others pass is ignored).
  std::string broadcast_bytes(const std::string& bytes, int64_t root = 0);
  void barrier();

  /// The ranks whose heartbeat (a counter every rank advances in the store four times a second, whatever it
  /// is doing) stands still for `wait`: {0} when the store, which rank 0 serves, is gone.
  std::vector<int64_t> lost_ranks(std::chrono::milliseconds wait);
  /// Throws wavetwin::Error saying that `what` failed on this rank, naming the lost ranks and the cause.
  [[noreturn]] void fail(const std::string& what, const std::string& cause);

 private:
  void beat();

  WorldOptions options_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

/// Every parameter and buffer of `module` set to rank 0's: all ranks start from the same model.
void broadcast_module(World& world, torch::nn::Module& module);
/// Every buffer of `module` (BatchNorm's running statistics) set to rank 0's.
void broadcast_buffers(World& world, torch::nn::Module& module);

/// The evaluation share of this rank (eval::PredictOptions::shard); the world must outlive it.
eval::Shard evaluation_shard(World& world);

}  // namespace wavetwin::dist
