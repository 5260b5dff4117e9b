// src/dist/world.cpp: the rendezvous (TCPStore), the Gloo process group and its collectives.
#include "wavetwin/dist/world.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <limits>

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

// The collective's failure (a lost rank, a timeout) as wavetwin::Error naming what was being done.
void wait(const c10::intrusive_ptr<c10d::Work>& work, const WorldOptions& o, const char* what) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    WAVETWIN_FAIL("distributed ", what, " on rank ", o.rank, " of ", o.size, " failed (another rank stopped, or ",
                  "did not answer within ", o.timeout.count() / 1000.0, " s): ", e.what());
  }
}

}  // namespace

std::pair<std::string, int64_t> parse_address(const std::string& address, const std::string& what) {
  const size_t colon = address.rfind(':');
  WAVETWIN_CHECK(colon != std::string::npos && colon > 0 && colon + 1 < address.size(), what, " ", address,
                 ": expected HOST:PORT");
  return {address.substr(0, colon), integer(address.substr(colon + 1), what + " port")};
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
    gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, static_cast<int>(options_.rank),
                                                          static_cast<int>(options_.size), gloo);
  } catch (const std::exception& e) {
    WAVETWIN_FAIL("distributed rendezvous at ", where, " (rank ", options_.rank, " of ", options_.size,
                  ") did not complete within ", options_.timeout.count() / 1000.0, " s; expected every rank to ",
                  "start with the same MASTER_ADDR:MASTER_PORT and WORLD_SIZE: ", e.what());
  }
}

World::~World() = default;

void World::all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  if (size() == 1 || tensors.empty()) return;
  wait(group_->allreduce(tensors), options_, "sum");
}

void World::broadcast(std::vector<torch::Tensor>& tensors, int64_t root) {
  if (size() == 1 || tensors.empty()) return;
  c10d::BroadcastOptions o;
  o.rootRank = root;
  for (auto& tensor : tensors) {  // one tensor per call: Gloo's broadcast takes one input per process
    std::vector<torch::Tensor> one{tensor};
    wait(group_->broadcast(one, o), options_, "broadcast");
  }
}

void World::barrier() {
  if (size() == 1) return;
  wait(group_->barrier(), options_, "barrier");
}

void broadcast_module(World& world, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors;
  for (const auto& p : module.parameters()) tensors.push_back(p);
  for (const auto& b : module.buffers()) tensors.push_back(b);
  world.broadcast(tensors, 0);
}

}  // namespace wavetwin::dist
