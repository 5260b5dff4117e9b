// src/dist/world.cpp: the rendezvous (TCPStore), the Gloo process group and its collectives.
#include "wavetwin/dist/world.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include "wavetwin/error.h"

namespace wavetwin::dist {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int64_t integer(const std::string& text, const std::string& what) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  WAVETWIN_CHECK(used == text.size() && !text.empty(), what, "=", text, ": not an integer; expected a whole number");
  return value;
}

int64_t required(const char* name) {
  const auto value = variable(name);
  WAVETWIN_CHECK(value.has_value(), name, " is not set, but WORLD_SIZE is; expected the launcher (torchrun, or "
                 "`wavetwin train --nproc N`) to set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT together");
  return integer(*value, name);
}

std::string heartbeat_key(int64_t rank) { return "wavetwin/heartbeat/" + std::to_string(rank); }

constexpr std::chrono::milliseconds kBeat{250};
// How long a heartbeat may stand still before its rank counts as lost: many beats, for loaded machines.
constexpr std::chrono::milliseconds kRollCall{3000};

}  // namespace

std::pair<std::string, int64_t> parse_address(const std::string& address, const std::string& what) {
  const size_t colon = address.rfind(':');
  WAVETWIN_CHECK(colon != std::string::npos && colon > 0 && colon + 1 < address.size(), what, " ", address,
                 ": expected HOST:PORT");
  return {address.substr(0, colon), integer(address.substr(colon + 1), what + " port")};
}

int64_t threads_per_rank(const WorldOptions& options) {
  const auto cores = static_cast<int64_t>(std::max(1U, std::thread::hardware_concurrency()));
  return std::max<int64_t>(1, cores / std::max<int64_t>(1, options.local_size));
}

void validate(const WorldOptions& o) {
  WAVETWIN_CHECK(o.size >= 1, "world size ", o.size, "; expected >= 1");
  WAVETWIN_CHECK(o.rank >= 0 && o.rank < o.size, "rank ", o.rank, " of a world of ", o.size, "; expected 0..",
                 o.size - 1);
  WAVETWIN_CHECK(o.local_size >= 1 && o.local_rank >= 0 && o.local_rank < o.local_size, "local rank ", o.local_rank,
                 " of ", o.local_size, "; expected 0..", o.local_size - 1);
  WAVETWIN_CHECK(o.master_port >= 1 && o.master_port <= std::numeric_limits<uint16_t>::max(), "master port ",
                 o.master_port, "; expected 1..65535");
  WAVETWIN_CHECK(!o.master_addr.empty(), "master address empty; expected a host name or IP address");
  WAVETWIN_CHECK(o.timeout.count() > 0, "distributed timeout ", o.timeout.count(), " ms; expected > 0");
  WAVETWIN_CHECK(o.collective_threads >= 1, "collective threads ", o.collective_threads, "; expected >= 1");
}

std::optional<WorldOptions> world_from_environment() {
  const auto size = variable("WORLD_SIZE");
  if (!size) return std::nullopt;
  WorldOptions o;
  o.size = integer(*size, "WORLD_SIZE");
  o.rank = required("RANK");
  o.local_rank = variable("LOCAL_RANK") ? integer(*variable("LOCAL_RANK"), "LOCAL_RANK") : o.rank;
  o.local_size = variable("LOCAL_WORLD_SIZE") ? integer(*variable("LOCAL_WORLD_SIZE"), "LOCAL_WORLD_SIZE") : o.size;
  const auto addr = variable("MASTER_ADDR");
  WAVETWIN_CHECK(addr.has_value(), "MASTER_ADDR is not set, but WORLD_SIZE is; expected the launcher to set it");
  o.master_addr = *addr;
  o.master_port = required("MASTER_PORT");
  validate(o);
  return o;
}

World::World(const WorldOptions& options) : options_(options) {
  validate(options_);
  // A write to the socket of a rank that died must fail with an error to report, not kill this process.
  std::signal(SIGPIPE, SIG_IGN);
  c10d::TCPStoreOptions store;
  store.port = static_cast<uint16_t>(options_.master_port);
  store.isServer = options_.rank == 0;
  store.numWorkers = static_cast<size_t>(options_.size);
  store.waitWorkers = true;
  store.timeout = options_.timeout;
  const std::string where = options_.master_addr + ":" + std::to_string(options_.master_port);
  try {
    store_ = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, store);
    auto gloo = c10d::ProcessGroupGloo::Options::create(options_.timeout);
    gloo->threads = static_cast<int>(options_.collective_threads);
    // torchrun's GLOO_SOCKET_IFNAME (comma-separated interfaces) picks the network; otherwise Gloo uses the
    // address this host's name resolves to.
    if (const auto interfaces = variable("GLOO_SOCKET_IFNAME")) {
      std::stringstream names(*interfaces);
      for (std::string name; std::getline(names, name, ',');) {
        gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
      }
    } else {
      gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, static_cast<int>(options_.rank),
                                                          static_cast<int>(options_.size), gloo);
    if (options_.size > 1) heartbeat_ = std::thread([this] { beat(); });
  } catch (const std::exception& e) {
    WAVETWIN_FAIL("distributed rendezvous at ", where, " (rank ", options_.rank, " of ", options_.size,
                  ") did not complete within ", options_.timeout.count() / 1000.0, " s; expected every rank to ",
                  "start with the same MASTER_ADDR:MASTER_PORT and WORLD_SIZE: ", e.what());
  }
}

World::~World() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void World::beat() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.wait_for(lock, kBeat, [this] { return stopping_; })) {
    try {
      store_->add(heartbeat_key(rank()), 1);
    } catch (const std::exception&) {
      return;  // the store is gone with rank 0: lost_ranks() says so
    }
  }
}

std::vector<int64_t> World::lost_ranks(std::chrono::milliseconds wait) {
  try {
    std::vector<int64_t> before;
    for (int64_t r = 0; r < size(); ++r) before.push_back(store_->add(heartbeat_key(r), 0));
    std::this_thread::sleep_for(wait);
    std::vector<int64_t> lost;
    for (int64_t r = 0; r < size(); ++r) {
      if (r != rank() && store_->add(heartbeat_key(r), 0) == before[r]) lost.push_back(r);
    }
    return lost;
  } catch (const std::exception&) {
    return {0};
  }
}

void World::fail(const std::string& what, const std::string& cause) {
  const std::vector<int64_t> lost = lost_ranks(kRollCall);
  std::string who;
  for (const int64_t r : lost) who += (who.empty() ? "" : ", ") + std::to_string(r);
  std::string verdict;
  if (lost == std::vector<int64_t>{0} && rank() != 0) {
    verdict = "lost rank 0 (its rendezvous store is gone); ";
  } else if (!lost.empty()) {
    verdict = "lost rank" + std::string(lost.size() > 1 ? "s " : " ") + who + " (no heartbeat for " +
              std::to_string(kRollCall.count() / 1000) + " s); ";
  }
  WAVETWIN_FAIL("distributed ", what, " on rank ", rank(), " of ", size(), " failed: ", verdict, cause,
                lost.empty() ? "" : "; resume the run with --resume once every rank can start");
}

namespace {

// The collective's failure (a lost rank, a timeout) as wavetwin::Error naming what was being done.
void wait(World& world, const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    world.fail(what, e.what());
  }
}

}  // namespace

void World::all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  if (size() == 1 || tensors.empty()) return;
  // c10d's all-reduce takes one tensor (its copies on several devices): the tensors of each type travel
  // flattened into one.
  std::map<c10::ScalarType, std::vector<size_t>> by_type;
  for (size_t i = 0; i < tensors.size(); ++i) by_type[tensors[i].scalar_type()].push_back(i);
  torch::NoGradGuard no_grad;
  for (const auto& [type, indices] : by_type) {
    std::vector<torch::Tensor> flat;
    for (const size_t i : indices) flat.push_back(tensors[i].reshape(-1));
    std::vector<torch::Tensor> one{torch::cat(flat)};
    wait(*this, group_->allreduce(one), "sum");
    int64_t offset = 0;
    for (const size_t i : indices) {
      const int64_t n = tensors[i].numel();
      tensors[i].copy_(one[0].narrow(0, offset, n).view_as(tensors[i]));
      offset += n;
    }
  }
}

void World::broadcast(std::vector<torch::Tensor>& tensors, int64_t root) {
  if (size() == 1 || tensors.empty()) return;
  c10d::BroadcastOptions o;
  o.rootRank = root;
  for (auto& tensor : tensors) {  // one tensor per call: Gloo's broadcast takes one input per process
    std::vector<torch::Tensor> one{tensor};
    wait(*this, group_->broadcast(one, o), "broadcast");
  }
}

std::string World::broadcast_bytes(const std::string& bytes, int64_t root) {
  if (size() == 1) return bytes;
  const bool sender = rank() == root;
  std::vector<torch::Tensor> length{torch::full({1}, static_cast<int64_t>(sender ? bytes.size() : 0), torch::kInt64)};
  broadcast(length, root);
  const int64_t n = length[0].item<int64_t>();
  std::vector<torch::Tensor> content{torch::empty({n}, torch::kUInt8)};
  if (sender) std::memcpy(content[0].data_ptr(), bytes.data(), bytes.size());
  broadcast(content, root);
  return std::string(static_cast<const char*>(content[0].data_ptr()), static_cast<size_t>(n));
}

void World::barrier() {
  if (size() == 1) return;
  wait(*this, group_->barrier(), "barrier");
}

void broadcast_module(World& world, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors;
  for (const auto& p : module.parameters()) tensors.push_back(p);
  for (const auto& b : module.buffers()) tensors.push_back(b);
  world.broadcast(tensors, 0);
}

void broadcast_buffers(World& world, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors = module.buffers();
  world.broadcast(tensors, 0);
}

eval::Shard evaluation_shard(World& world) {
  return {world.rank(), world.size(), [&world](std::vector<torch::Tensor>& tensors) { world.all_reduce_sum(tensors); }};
}

}  // namespace wavetwin::dist
