// src/dist/sync_batch_norm.cpp: the differentiable sum over the ranks behind synchronised batch normalisation.
#include "wavetwin/dist/sync_batch_norm.h"

#include <torch/torch.h>

namespace wavetwin::dist {
namespace {

// y = sum over ranks of x_r. Every rank's loss depends on y, so the gradient reaching x_r is the sum over ranks
// of their losses' gradients with respect to y: the backward pass is an all-reduce too. (A second process group
// for these, so that they need not queue behind the reducer's buckets, measured no faster on 2 ranks.)
struct AllReduceSum : torch::autograd::Function<AllReduceSum> {
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x, World* world) {
    context->saved_data["world"] = static_cast<int64_t>(reinterpret_cast<intptr_t>(world));
    std::vector<torch::Tensor> total{x.detach().clone(torch::MemoryFormat::Contiguous)};
    world->all_reduce_sum(total);
    return total[0];
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    auto* world = reinterpret_cast<World*>(static_cast<intptr_t>(context->saved_data["world"].toInt()));
    std::vector<torch::Tensor> total{gradients[0].clone(torch::MemoryFormat::Contiguous)};
    world->all_reduce_sum(total);
    return {total[0], torch::Tensor()};
  }
};

}  // namespace

layers::BatchSum batch_sum(World& world) {
  return [&world](const torch::Tensor& x) { return AllReduceSum::apply(x, &world); };
}

int64_t synchronise_batch_norm(torch::nn::Module& module, World& world) {
  return layers::set_batch_sum(module, batch_sum(world));
}

}  // namespace wavetwin::dist
