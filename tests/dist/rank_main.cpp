// tests/dist/rank_main.cpp: one rank of the data-parallel tests (tests/dist/world_test.cpp starts several, with
// torchrun's variables).
//
// Usage: dist_rank MODE OUT TIMEOUT_MS [CHECKPOINT_DIR EPOCHS STOP_AFTER RESUME STEP_DELAY_MS]
//   train    the tiny workload on this rank's part of every global batch: each rank initialises its own model
//            (seed 17 + rank), rank 0's is broadcast, gradients go through the GradientReducer; the parameters
//            are written to OUT.
//   join     joins the world and waits at a barrier (the rendezvous test).
//   trainer  train::Trainer on the tiny images (test::train_tiny_trainer) for EPOCHS (STOP_AFTER > 0: that many
//            in this call; RESUME 1: from the last checkpoint); rank 0 checkpoints in CHECKPOINT_DIR, the
//            others are given CHECKPOINT_DIR-rankR, which must stay empty. Writes its pid to OUT.pid first,
//            the parameters and buffers to OUT, and its error, if any, to OUT.err; %r in OUT is replaced by the rank.
//   trainer-bn, trainer-syncbn   the same with the tiny model's batch normalisations, per rank or synchronised.
#include <torch/torch.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include "tiny_model.h"
#include "wavetwin/data/loader.h"
#include "wavetwin/dist/gradient_reducer.h"
#include "wavetwin/dist/shard.h"
#include "wavetwin/dist/world.h"

using namespace wavetwin;

int main(int argc, char** argv) {
  if (argc != 4 && argc != 9) {
    std::cerr << "usage: dist_rank train|join|trainer|trainer-bn|trainer-syncbn OUT TIMEOUT_MS [CHECKPOINT_DIR EPOCHS STOP_AFTER RESUME "
                 "STEP_DELAY_MS]\n";
    return 2;
  }
  const std::string mode = argv[1];
  std::string out = argv[2];
  // One command line for every rank (dist::launch_local): %r in OUT stands for the rank.
  if (const size_t at = out.find("%r"); at != std::string::npos) out.replace(at, 2, std::getenv("RANK") ? std::getenv("RANK") : "");
  std::ofstream(out + ".pid") << ::getpid() << "\n";
  try {
    torch::set_num_threads(1);
    auto options = dist::world_from_environment();
    if (!options) throw std::runtime_error("WORLD_SIZE is not set");
    options->timeout = std::chrono::milliseconds(std::stoll(argv[3]));
    dist::World world(*options);
    if (mode == "join") {
      world.barrier();
      return 0;
    }
    if (mode.rfind("trainer", 0) == 0) {
      test::TinyRun run;
      run.batch_norm = mode != "trainer";
      run.sync_batch_norm = mode == "trainer-syncbn";
      run.checkpoint_dir = std::string(argv[4]) + (world.rank() == 0 ? "" : "-rank" + std::to_string(world.rank()));
      run.epochs = std::stoll(argv[5]);
      if (std::stoll(argv[6]) > 0) run.stop_after = std::stoll(argv[6]);
      run.resume = std::string(argv[7]) == "1";
      run.step_delay_ms = std::stoll(argv[8]);
      std::vector<torch::Tensor> parameters = test::train_tiny_trainer(&world, run);
      torch::save(parameters, out);
      return 0;
    }
    test::TinyNet net(17 + static_cast<uint64_t>(world.rank()));
    dist::broadcast_module(world, net);
    dist::GradientReducer reducer(world, net);
    test::train_tiny(net, [&](int, const torch::Tensor& x, const torch::Tensor& labels) {
      const int64_t items = x.size(0);
      const data::Slice part = data::batch_slice(items, world.size(), world.rank());
      reducer.prepare_forward();
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(net.forward(x.narrow(0, part.offset, part.count)),
                                               labels.narrow(0, part.offset, part.count)) *
          dist::loss_weight(part.count, items, world.size());
      reducer.prepare_backward(loss);
      return loss;
    });
    std::vector<torch::Tensor> parameters = net.parameters();
    torch::save(parameters, out);
  } catch (const std::exception& e) {
    std::cerr << "rank " << (std::getenv("RANK") ? std::getenv("RANK") : "?") << ": " << e.what() << "\n";
    std::ofstream(out + ".err") << e.what() << "\n";
    return 1;
  }
  return 0;
}
