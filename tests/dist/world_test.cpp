// tests/dist/world_test.cpp: torchrun's environment read and checked; batches split disjoint and covering;
// ranks started as processes on loopback: 2 and 3 ranks train the tiny float64 network to the weights of one
// process with the whole batch; a rendezvous missing a rank fails in bounded time naming the master.
#include "wavetwin/dist/world.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/torch.h>

#include <chrono>

#include "support/support.h"
#include "tiny_model.h"
#include "wavetwin/dist/shard.h"

namespace wavetwin::dist {
namespace {

// Sets the variables for the scope of a test, restoring the previous values.
class Environment {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~Environment() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) setenv(it->first.c_str(), it->second->c_str(), 1);
      else unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(WorldOptionsTest, TorchrunsEnvironmentIsReadAndChecked) {
  Environment env;
  for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"})
    env.set(name, nullptr);
  EXPECT_FALSE(world_from_environment().has_value());
  env.set("WORLD_SIZE", "4");
  EXPECT_THROW_WITH(world_from_environment(), "RANK is not set, but WORLD_SIZE is");
  env.set("RANK", "3");
  EXPECT_THROW_WITH(world_from_environment(), "MASTER_ADDR is not set");
  env.set("MASTER_ADDR", "10.0.0.2");
  env.set("MASTER_PORT", "29x");
  EXPECT_THROW_WITH(world_from_environment(), "MASTER_PORT=29x: not an integer");
  env.set("MASTER_PORT", "29501");
  env.set("LOCAL_RANK", "1");
  env.set("LOCAL_WORLD_SIZE", "2");
  const WorldOptions o = *world_from_environment();
  EXPECT_EQ(o.size, 4);
  EXPECT_EQ(o.rank, 3);
  EXPECT_EQ(o.local_rank, 1);
  EXPECT_EQ(o.local_size, 2);
  EXPECT_EQ(o.master_addr, "10.0.0.2");
  EXPECT_EQ(o.master_port, 29501);
  env.set("RANK", "4");
  EXPECT_THROW_WITH(world_from_environment(), "rank 4 of a world of 4; expected 0..3");
  EXPECT_EQ(parse_address("node1:29400"), (std::pair<std::string, int64_t>{"node1", 29400}));
  EXPECT_THROW_WITH(parse_address("node1"), "--master node1: expected HOST:PORT");
  WorldOptions bad;
  bad.master_port = 70000;
  EXPECT_THROW_WITH(validate(bad), "master port 70000; expected 1..65535");
}

TEST(ShardTest, SlicesAreDisjointCoveringAndBalanced) {
  for (int64_t world = 1; world <= 5; ++world) {
    for (int64_t items = 0; items <= 23; ++items) {
      int64_t next = 0;
      for (int64_t rank = 0; rank < world; ++rank) {
        const Slice s = rank_slice(items, world, rank);
        EXPECT_EQ(s.offset, next) << items << " over " << world;  // contiguous, in rank order: disjoint
        EXPECT_LE(std::abs(s.count - items / world), 1);
        next += s.count;
        // The ranks' mean of w_r * (sum over the slice) / n_r weighs every sample 1 / items.
        const double per_sample = s.count ? loss_weight(s, items, world) / static_cast<double>(world * s.count) : 0;
        EXPECT_NEAR(per_sample, s.count ? 1.0 / static_cast<double>(items) : 0, 1e-15);
      }
      EXPECT_EQ(next, items);  // covering
    }
  }
  EXPECT_THROW_WITH(rank_slice(5, 2, 2), "rank 2 of 2");
}

int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(s, reinterpret_cast<sockaddr*>(&address), &length);
  close(s);
  return ntohs(address.sin_port);
}

// Starts `ranks` of a world of `world` ranks (dist_rank MODE DIR/rank-R.pt TIMEOUT_MS) on loopback; returns
// the shell's status (non-zero when any rank failed) and their output.
int run_ranks(const std::string& mode, const std::string& dir, int64_t world, int64_t ranks, int64_t timeout_ms,
              std::string* output) {
  std::string script = "pids=; ";
  const int port = free_port();
  for (int64_t r = 0; r < ranks; ++r) {
    script += "RANK=" + std::to_string(r) + " WORLD_SIZE=" + std::to_string(world) +
              " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " '" WAVETWIN_DIST_RANK "' " + mode +
              " " + dir + "/rank-" + std::to_string(r) + ".pt " + std::to_string(timeout_ms) + " & pids=\"$pids $!\"; ";
  }
  script += "status=0; for p in $pids; do wait $p || status=1; done; exit $status";
  return test::run_command("bash -c '" + std::string() + [&] {
    std::string quoted;
    for (const char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted;
  }() + "'", output);
}

class RanksTest : public test::TempDirTest {};

TEST_F(RanksTest, TwoAndThreeRanksTrainAsOneProcessWithTheWholeBatch) {
  test::TinyNet single(17);
  test::train_tiny(single, [&](int, const torch::Tensor& x, const torch::Tensor& labels) {
    return torch::nn::functional::cross_entropy(single.forward(x), labels);
  });
  for (const int64_t world : {2, 3}) {
    std::string output;
    ASSERT_EQ(run_ranks("train", dir_, world, world, 30000, &output), 0) << output;
    for (int64_t r = 0; r < world; ++r) {
      std::vector<torch::Tensor> trained;
      torch::load(trained, dir_ + "/rank-" + std::to_string(r) + ".pt");
      const std::vector<torch::Tensor> expected = single.parameters();
      ASSERT_EQ(trained.size(), expected.size());
      for (size_t i = 0; i < trained.size(); ++i) {
        // float64: the ranks' sums of slice gradients differ from the whole batch's by rounding only
        // (~1e-16 relative per step, six steps).
        EXPECT_LT((trained[i] - expected[i]).abs().max().item<double>(), 1e-10) << world << " ranks, rank " << r;
      }
    }
  }
}

TEST_F(RanksTest, ARendezvousMissingARankFailsInBoundedTimeNamingTheMaster) {
  std::string output;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NE(run_ranks("join", dir_, 2, 1, 1500, &output), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(output.find("distributed rendezvous at 127.0.0.1:"), std::string::npos) << output;
  EXPECT_NE(output.find("(rank 0 of 2) did not complete within 1.5 s"), std::string::npos) << output;
  EXPECT_LT(seconds, 20);
}

}  // namespace
}  // namespace wavetwin::dist
