// apps/wavetwin/distributed.cpp: the data-parallel flags to dist::LaunchOptions and dist::WorldOptions.
#include "distributed.h"

#include <fstream>
#include <iterator>
#include <set>
#include <vector>

#include "output.h"
#include "wavetwin/dist/launch.h"
#include "wavetwin/error.h"

namespace wavetwin::cli {
namespace {

// The flags that start ranks, left out of the ranks' own command line.
const std::set<std::string> kLaunchFlags = {"--nproc", "--nnodes", "--node-rank", "--master"};

std::vector<std::string> rank_command() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::string> args;
  for (size_t start = 0; start < all.size();) {
    const size_t end = all.find('\0', start);
    args.push_back(all.substr(start, end - start));
    start = end == std::string::npos ? all.size() : end + 1;
  }
  WAVETWIN_CHECK(!args.empty(), "--nproc: this process's command line could not be read from /proc/self/cmdline");
  std::vector<std::string> command{"/proc/self/exe"};
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string name = args[i].substr(0, args[i].find('='));
    if (kLaunchFlags.count(name) == 0) {
      command.push_back(args[i]);
    } else if (name == args[i]) {
      ++i;  // the flag's value, given as the next argument
    }
  }
  return command;
}

}  // namespace

void add_distributed_flags(CLI::App* sub, DistributedFlags& f) {
  const std::string group = "Data-parallel";
  sub->add_option("--nproc", f.nproc, "Start N ranks on this machine (data-parallel; the batch is split)")
      ->group(group)->check(CLI::Range(1, 1024));
  sub->add_option("--nnodes", f.nnodes, "With --nproc: machines in the job, each running the same command")
      ->group(group)->check(CLI::Range(1, 65536));
  sub->add_option("--node-rank", f.node_rank, "With --nproc: this machine's index, 0..nnodes-1")
      ->group(group)->check(kNonNegative);
  add_optional(sub, "--master", f.master, "HOST:PORT of rank 0's rendezvous (default with --nproc: a free local port)")
      ->group(group);
  add_optional(sub, "--world-size", f.world_size, "Ranks in the job, for one rank started by hand (with --rank)")
      ->group(group);
  add_optional(sub, "--rank", f.rank, "This process's rank, 0..world-size-1 (with --world-size)")->group(group);
  sub->add_option("--dist-timeout", f.timeout, "Seconds the rendezvous and each collective may wait for the others")
      ->group(group)->capture_default_str()->check(kPositive);
}

bool launch_ranks(const DistributedFlags& f, const std::string& log_dir) {
  if (f.nproc == 0) {
    WAVETWIN_CHECK(f.nnodes == 1 && f.node_rank == 0, "--nnodes and --node-rank go with --nproc N");
    return false;
  }
  WAVETWIN_CHECK(!f.world_size && !f.rank, "--nproc starts the ranks itself; expected it without --world-size and --rank");
  dist::LaunchOptions o;
  o.command = rank_command();
  o.nproc = f.nproc, o.nnodes = f.nnodes, o.node_rank = f.node_rank;
  if (f.master) std::tie(o.master_addr, o.master_port) = dist::parse_address(*f.master);
  o.log_dir = log_dir;
  // The survivors of a lost rank stop by themselves within the collective timeout and the roll call.
  o.grace = std::chrono::milliseconds(static_cast<int64_t>(f.timeout * 1000) + 15000);
  const dist::LaunchResult result = dist::launch_local(o);
  if (!result.failed_rank) return true;
  std::string logs;
  for (const auto& log : result.logs) logs += (logs.empty() ? "" : ", ") + log;
  WAVETWIN_FAIL("rank ", *result.failed_rank, " ", result.reason, logs.empty() ? "" : "; the other ranks' output: ",
                logs);
}

std::unique_ptr<dist::World> join_world(const DistributedFlags& f, int64_t& threads) {
  std::optional<dist::WorldOptions> options;
  if (f.world_size || f.rank) {
    WAVETWIN_CHECK(f.world_size && f.rank, "--world-size and --rank go together; expected both");
    options = dist::WorldOptions{};
    options->size = *f.world_size, options->rank = *f.rank;
    options->local_size = options->size, options->local_rank = options->rank;
    if (f.master) std::tie(options->master_addr, options->master_port) = dist::parse_address(*f.master);
  } else {
    options = dist::world_from_environment();
  }
  if (!options) return nullptr;
  options->timeout = std::chrono::milliseconds(static_cast<int64_t>(f.timeout * 1000));
  if (threads == 0) threads = dist::threads_per_rank(*options);
  return std::make_unique<dist::World>(*options);
}

}  // namespace wavetwin::cli
