// tests/dist/world_test.cpp: torchrun's environment read and checked; the ranks' loss weights give the batch mean;
// ranks started as processes on loopback: 2 and 3 ranks train the tiny float64 network to the weights of one
// process with the whole batch, and so does the trainer on 2 and 4 ranks, also when resumed on another number
// of ranks and with synchronised batch normalisation; synchronised batch normalisation on two ranks in threads
// equals the whole batch's; a rendezvous missing a rank fails in bounded time naming the master; a killed rank stops the
// others in bounded time, naming it, and the run resumes.
#include "wavetwin/dist/world.h"

#include <stdlib.h>
#include <unistd.h>

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "support/support.h"
#include "tiny_model.h"
#include "wavetwin/data/loader.h"
#include "wavetwin/dist/launch.h"
#include "wavetwin/dist/shard.h"
#include "wavetwin/dist/sync_batch_norm.h"
#include "wavetwin/layers/batch_norm.h"
#include "wavetwin/layers/bn0.h"

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

TEST(ShardTest, TheRanksWeightedMeansAverageToTheBatchMean) {
  for (int64_t world = 1; world <= 5; ++world) {
    for (int64_t items = 1; items <= 23; ++items) {
      for (int64_t rank = 0; rank < world; ++rank) {
        const int64_t count = data::batch_slice(items, world, rank).count;
        // The ranks' mean of w_r * (sum over the slice) / n_r weighs every sample 1 / items.
        const double per_sample = count ? loss_weight(count, items, world) / static_cast<double>(world * count) : 0;
        EXPECT_NEAR(per_sample, count ? 1.0 / static_cast<double>(items) : 0, 1e-15) << items << " over " << world;
      }
    }
  }
  EXPECT_THROW_WITH(loss_weight(3, 2, 1), "batch share: 3 of 2 samples");
}

// A batch normalisation (torch's, or wavetwin's) then BN0, with the same parameters.
struct Layers {
  template <typename Norm>
  Layers(Norm norm, const torch::Tensor& gamma, const torch::Tensor& beta, int64_t c)
      : norm(norm), weight(norm->weight), bias(norm->bias), running_mean(norm->running_mean),
        running_var(norm->running_var), bn0(layers::BN0Options(c)) {
    norm->to(torch::kFloat64);
    bn0->to(torch::kFloat64);
    torch::NoGradGuard no_grad;
    norm->weight.copy_(gamma);
    norm->bias.copy_(beta);
  }
  torch::nn::AnyModule norm;
  const torch::Tensor &weight, &bias, &running_mean, &running_var;
  layers::BN0 bn0;
};

// Two ranks as two threads of this process, on loopback: BatchNorm2d then BN0 with dist::batch_sum, each rank
// on its part of the batch (3 and 2 images), give the outputs, the input gradients, the summed parameter
// gradients and the running statistics of the same layers unsynchronised on the whole batch (torch's
// BatchNorm2d being the oracle for the first), over two steps (the second with a non-zero running mean, the
// shift of the sums). float64: rounding only, a few operations per value.
TEST(SyncBatchNormTest, TwoRanksNormaliseWithTheWholeBatchsStatistics) {
  torch::manual_seed(3);
  const int64_t n = 5, c = 3, steps = 2;
  std::vector<torch::Tensor> inputs, weights;
  for (int64_t step = 0; step < steps; ++step) {
    inputs.push_back(torch::randn({n, c, 4, 7}, torch::kFloat64) * 2 + 1.5);
    weights.push_back(torch::randn({n, c, 4, 7}, torch::kFloat64));  // of the outputs in the loss
  }
  const torch::Tensor gamma = torch::randn({c}, torch::kFloat64), beta = torch::randn({c}, torch::kFloat64);
  // Per step: output, input gradient; at the end: parameter gradients (summed over steps), buffers.
  struct Result {
    std::vector<torch::Tensor> outputs, input_grads;
    std::vector<torch::Tensor> state;
  };
  const auto train = [&](Layers& l, int64_t offset, int64_t count) {
    Result result;
    for (int64_t step = 0; step < steps; ++step) {
      const torch::Tensor x = inputs[step].narrow(0, offset, count).clone().requires_grad_(true);
      const torch::Tensor y = l.bn0(l.norm.forward(x).abs());
      (y * weights[step].narrow(0, offset, count)).sum().backward();
      result.outputs.push_back(y.detach());
      result.input_grads.push_back(x.grad());
    }
    for (const auto& t : {l.weight.grad(), l.bias.grad(), l.bn0->weight.grad(), l.bn0->bias.grad(), l.running_mean,
                          l.running_var, l.bn0->running_var}) {
      result.state.push_back(t.clone());
    }
    return result;
  };
  Layers whole(torch::nn::BatchNorm2d(c), gamma, beta, c);
  const Result expected = train(whole, 0, n);

  const int64_t port = free_port();
  const int64_t parts[2][2] = {{0, 3}, {3, 2}};
  Result ranks[2];
  std::string errors[2];
  std::vector<std::thread> threads;
  for (int64_t r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      try {
        WorldOptions options;
        options.size = 2, options.rank = r, options.master_port = port;
        options.timeout = std::chrono::milliseconds(20000);
        World world(options);
        Layers part(layers::BatchNorm2d(c), gamma, beta, c);
        EXPECT_EQ(layers::set_batch_sum(*part.norm.ptr(), batch_sum(world)) +
                      layers::set_batch_sum(*part.bn0, batch_sum(world)), 2);
        ranks[r] = train(part, parts[r][0], parts[r][1]);
      } catch (const std::exception& e) {
        errors[r] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(errors[0] + errors[1], "");
  const auto near = [](const torch::Tensor& got, const torch::Tensor& want) {
    return (got - want).abs().max().item<double>() / (1 + want.abs().max().item<double>());
  };
  for (int64_t step = 0; step < steps; ++step) {
    for (int64_t r = 0; r < 2; ++r) {
      const auto [offset, count] = std::pair(parts[r][0], parts[r][1]);
      EXPECT_LT(near(ranks[r].outputs[step], expected.outputs[step].narrow(0, offset, count)), 1e-12) << step << r;
      EXPECT_LT(near(ranks[r].input_grads[step], expected.input_grads[step].narrow(0, offset, count)), 1e-12)
          << "input gradient, step " << step << ", rank " << r;
    }
  }
  for (size_t i = 0; i < expected.state.size(); ++i) {
    // Parameter gradients: each rank holds its part's contribution (the reducer sums them); buffers: equal.
    const torch::Tensor got = i < 4 ? ranks[0].state[i] + ranks[1].state[i] : ranks[1].state[i];
    EXPECT_LT(near(got, expected.state[i]), 1e-12) << "gradient or buffer " << i;
    if (i >= 4) {
      EXPECT_LT(near(ranks[0].state[i], expected.state[i]), 1e-12) << "buffer " << i << " on rank 0";
    }
  }
}

// Starts `ranks` of a world of `world` ranks (dist_rank MODE DIR/rank-R.pt TIMEOUT_MS EXTRA) on loopback;
// returns the shell's status (non-zero when any rank failed) and their output.
int run_ranks(const std::string& mode, const std::string& dir, int64_t world, int64_t ranks, int64_t timeout_ms,
              std::string* output, const std::string& extra = "") {
  std::string script = "pids=; ";
  const int64_t port = free_port();
  for (int64_t r = 0; r < ranks; ++r) {
    script += "RANK=" + std::to_string(r) + " WORLD_SIZE=" + std::to_string(world) +
              " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " '" WAVETWIN_DIST_RANK "' " + mode +
              " " + dir + "/rank-" + std::to_string(r) + ".pt " + std::to_string(timeout_ms) + extra +
              " & pids=\"$pids $!\"; ";
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

std::vector<torch::Tensor> load_parameters(const std::string& path) {
  std::vector<torch::Tensor> parameters;
  torch::load(parameters, path);
  return parameters;
}

// float64 throughout: the ranks' sums of part gradients differ from the whole batch's by rounding only (~1e-16
// relative per operation, a few dozen steps). Parameters, then buffers (the step counts exactly).
void expect_same_parameters(const std::vector<torch::Tensor>& got, const std::vector<torch::Tensor>& want,
                            const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].is_floating_point()) {
      EXPECT_EQ(got[i].scalar_type(), torch::kFloat64) << what;
    }
    EXPECT_LT((got[i].to(torch::kFloat64) - want[i].to(torch::kFloat64)).abs().max().item<double>(), 1e-10)
        << what << ", tensor " << i;
  }
}

test::TinyRun tiny_run(const std::string& checkpoint_dir, int64_t epochs) {
  test::TinyRun run;
  run.checkpoint_dir = checkpoint_dir;
  run.epochs = epochs;
  return run;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// train::Trainer with a world: each rank loads its part of every micro-batch, the reducer averages the weighted
// gradients; 2 ranks (parts of 3) and 4 ranks (parts 2, 2, 1, 1) end where one process ends, and only rank 0
// writes checkpoints.
TEST_F(RanksTest, TheTrainerOnTwoAndFourRanksEqualsOneProcess) {
  const auto single = test::train_tiny_trainer(nullptr, tiny_run(dir_ + "/single", 2));
  for (const int64_t world : {2, 4}) {
    const std::string ranks = dir_ + "/w" + std::to_string(world);
    std::filesystem::create_directories(ranks);
    std::string output;
    ASSERT_EQ(run_ranks("trainer", ranks, world, world, 30000, &output, " " + ranks + "/ck 2 0 0 0"), 0) << output;
    for (int64_t r = 0; r < world; ++r) {
      expect_same_parameters(load_parameters(ranks + "/rank-" + std::to_string(r) + ".pt"), single,
                             std::to_string(world) + " ranks, rank " + std::to_string(r));
      if (r > 0) {
        EXPECT_FALSE(std::filesystem::exists(ranks + "/ck-rank" + std::to_string(r))) << "rank " << r << " wrote";
      }
    }
    EXPECT_TRUE(std::filesystem::exists(ranks + "/ck/last.pt"));
  }
}

// Synchronised batch normalisation: with the whole micro-batch's statistics, 2 ranks (parts of 3) and 3 ranks
// (parts 2, 2, 2) end where one process ends, running statistics included; with each rank's own statistics
// (the default, as DistributedDataParallel) they do not.
TEST_F(RanksTest, WithSyncBatchNormTheTrainerOnTwoAndThreeRanksEqualsOneProcess) {
  test::TinyRun run = tiny_run(dir_ + "/single", 2);
  run.batch_norm = true;
  const auto single = test::train_tiny_trainer(nullptr, run);
  for (const int64_t world : {2, 3}) {
    const std::string ranks = dir_ + "/w" + std::to_string(world);
    std::filesystem::create_directories(ranks);
    std::string output;
    ASSERT_EQ(run_ranks("trainer-syncbn", ranks, world, world, 30000, &output, " " + ranks + "/ck 2 0 0 0"), 0)
        << output;
    for (int64_t r = 0; r < world; ++r) {
      expect_same_parameters(load_parameters(ranks + "/rank-" + std::to_string(r) + ".pt"), single,
                             std::to_string(world) + " ranks with --sync-bn, rank " + std::to_string(r));
    }
  }
  std::string output;
  ASSERT_EQ(run_ranks("trainer-bn", dir_, 2, 2, 30000, &output, " " + dir_ + "/ck 2 0 0 0"), 0) << output;
  const auto per_rank = load_parameters(dir_ + "/rank-0.pt");
  ASSERT_EQ(per_rank.size(), single.size());
  double difference = 0;
  for (size_t i = 0; i < single.size(); ++i) {
    difference = std::max(difference, (per_rank[i].to(torch::kFloat64) - single[i].to(torch::kFloat64)).abs().max().item<double>());
  }
  EXPECT_GT(difference, 1e-4) << "per-rank batch statistics should differ from the whole batch's";
}

// The checkpoint does not depend on the world size: two epochs on 2 ranks, resumed on 3 ranks (which receive
// rank 0's checkpoint: their own folders are empty), end where one process ends.
TEST_F(RanksTest, ARunCheckpointedOnTwoRanksResumesOnThreeRanks) {
  const auto single = test::train_tiny_trainer(nullptr, tiny_run(dir_ + "/single", 3));
  std::string output;
  ASSERT_EQ(run_ranks("trainer", dir_, 2, 2, 30000, &output, " " + dir_ + "/ck 3 2 0 0"), 0) << output;
  ASSERT_EQ(run_ranks("trainer", dir_, 3, 3, 30000, &output, " " + dir_ + "/ck 3 0 1 0"), 0) << output;
  for (int64_t r = 0; r < 3; ++r) {
    expect_same_parameters(load_parameters(dir_ + "/rank-" + std::to_string(r) + ".pt"), single,
                           "resumed on 3 ranks, rank " + std::to_string(r));
  }
}

// kill -9 of rank 1 during training: rank 0 stops by itself within the roll call, naming the lost rank,
// well before the launcher's grace runs out; resuming from rank 0's last checkpoint ends where an
// uninterrupted run ends.
TEST_F(RanksTest, AKilledRankStopsTheOthersInBoundedTimeAndTheRunResumes) {
  const int64_t epochs = 30;
  const auto single = test::train_tiny_trainer(nullptr, tiny_run(dir_ + "/single", epochs));
  LaunchOptions launch;
  launch.command = {WAVETWIN_DIST_RANK, "trainer", dir_ + "/k-%r.pt", "20000", dir_ + "/ck", std::to_string(epochs),
                    "0", "0", "40"};
  launch.nproc = 2;
  launch.log_dir = dir_ + "/logs";
  launch.grace = std::chrono::milliseconds(30000);
  LaunchResult result;
  std::thread launcher([&] { result = launch_local(launch); });
  for (int i = 0; i < 600 && !std::filesystem::exists(dir_ + "/ck/last.pt"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool started = std::filesystem::exists(dir_ + "/ck/last.pt");
  const std::string pid = read_file(dir_ + "/k-1.pt.pid");
  ASSERT_FALSE(pid.empty());
  std::string output;
  test::run_command("kill -9 " + pid, &output);
  const auto killed = std::chrono::steady_clock::now();
  launcher.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  ASSERT_TRUE(started) << "no checkpoint within 30 s";
  ASSERT_TRUE(result.failed_rank.has_value());
  EXPECT_EQ(*result.failed_rank, 1);
  EXPECT_EQ(result.reason, "was killed by signal 9");
  EXPECT_EQ(result.exit_code, 128 + 9);
  EXPECT_LT(seconds, 15) << "rank 0 should stop by itself, long before the launcher's 30 s grace";
  const std::string error = read_file(dir_ + "/k-0.pt.err");
  EXPECT_NE(error.find("on rank 0 of 2 failed: lost rank 1 (no heartbeat for 3 s)"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/k-0.pt")) << "rank 0 finished before the kill";
  std::cout << "rank 0 stopped " << seconds << " s after rank 1 was killed\n";
  ASSERT_EQ(run_ranks("trainer", dir_, 2, 2, 30000, &output, " " + dir_ + "/ck " + std::to_string(epochs) + " 0 1 0"), 0)
      << output;
  expect_same_parameters(load_parameters(dir_ + "/rank-0.pt"), single, "resumed after the kill");
}

// Two network namespaces joined by a veth pair stand for two hosts: one rank in each, over the non-loopback
// addresses (GLOO_SOCKET_IFNAME picks the veth end), trains the tiny network as one process does.
class TwoHostsTest : public test::TempDirTest {
 protected:
  void TearDown() override {
    std::string output;
    for (const auto& ns : namespaces_) test::run_command("ip netns del " + ns + " 2>/dev/null", &output);
    test::TempDirTest::TearDown();
  }
  std::vector<std::string> namespaces_;
};

TEST_F(TwoHostsTest, RanksInTwoNetworkNamespacesTrainAsOneProcess) {
  const std::string id = std::to_string(::getpid() % 100000);
  const std::string a = "wta" + id, b = "wtb" + id;  // namespaces, and their veth ends (at most 15 characters)
  std::string output;
  if (test::run_command("ip netns add " + a + " 2>&1", &output) != 0) {
    GTEST_SKIP() << "network namespaces cannot be created here (needs root and iproute2): " << output;
  }
  namespaces_.push_back(a);
  ASSERT_EQ(test::run_command("ip netns add " + b + " 2>&1", &output), 0) << output;
  namespaces_.push_back(b);
  const std::string setup = "ip link add " + a + " type veth peer name " + b + " && ip link set " + a + " netns " + a +
                            " && ip link set " + b + " netns " + b + " && ip -n " + a + " addr add 10.231.0.1/24 dev " +
                            a + " && ip -n " + b + " addr add 10.231.0.2/24 dev " + b + " && ip -n " + a + " link set " +
                            a + " up && ip -n " + b + " link set " + b + " up && ip -n " + a + " link set lo up && ip -n " +
                            b + " link set lo up 2>&1";
  ASSERT_EQ(test::run_command(setup, &output), 0) << output;
  const std::string port = "29733";
  const auto rank = [&](int r) {
    const std::string ns = r == 0 ? a : b;
    return "ip netns exec " + ns + " env RANK=" + std::to_string(r) + " WORLD_SIZE=2 MASTER_ADDR=10.231.0.1 MASTER_PORT=" +
           port + " GLOO_SOCKET_IFNAME=" + ns + " " WAVETWIN_DIST_RANK " train " + dir_ + "/rank-" + std::to_string(r) +
           ".pt 30000";
  };
  ASSERT_EQ(test::run_command(rank(0) + " 2>&1 & " + rank(1) + " 2>&1; s=$?; wait $! || s=1; exit $s", &output), 0)
      << output;
  test::TinyNet single(17);
  test::train_tiny(single, [&](int, const torch::Tensor& x, const torch::Tensor& labels) {
    return torch::nn::functional::cross_entropy(single.forward(x), labels);
  });
  for (int r = 0; r < 2; ++r) {
    expect_same_parameters(load_parameters(dir_ + "/rank-" + std::to_string(r) + ".pt"), single.parameters(),
                           "two hosts, rank " + std::to_string(r));
  }
}

}  // namespace
}  // namespace wavetwin::dist
