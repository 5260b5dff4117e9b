// tests/dist/rank_main.cpp: one rank of the data-parallel tests (tests/dist/world_test.cpp starts several, with
// torchrun's variables).
//
// Usage: dist_rank MODE OUT TIMEOUT_MS
//   train  the tiny workload on this rank's part of every global batch: each rank initialises its own model
//          (seed 17 + rank), rank 0's is broadcast, gradients go through the GradientReducer; the parameters
//          are written to OUT.
//   join   joins the world and waits at a barrier (the rendezvous and lost-rank tests).
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <string>

#include "tiny_model.h"
#include "wavetwin/dist/gradient_reducer.h"
#include "wavetwin/dist/shard.h"
#include "wavetwin/dist/world.h"

using namespace wavetwin;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: dist_rank train|join OUT TIMEOUT_MS\n";
    return 2;
  }
  const std::string mode = argv[1], out = argv[2];
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
    test::TinyNet net(17 + static_cast<uint64_t>(world.rank()));
    dist::broadcast_module(world, net);
    dist::GradientReducer reducer(world, net);
    test::train_tiny(net, [&](int, const torch::Tensor& x, const torch::Tensor& labels) {
      const int64_t items = x.size(0);
      const dist::Slice part = dist::rank_slice(items, world.size(), world.rank());
      reducer.prepare_forward();
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(net.forward(x.narrow(0, part.offset, part.count)),
                                               labels.narrow(0, part.offset, part.count)) *
          dist::loss_weight(part, items, world.size());
      reducer.prepare_backward(loss);
      return loss;
    });
    std::vector<torch::Tensor> parameters = net.parameters();
    torch::save(parameters, out);
  } catch (const std::exception& e) {
    std::cerr << "rank " << (std::getenv("RANK") ? std::getenv("RANK") : "?") << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
