// wavetwin/dist/sync_batch_norm.h: synchronised batch normalisation (--sync-bn): every batch normalisation of a
// model normalises with the statistics of the whole global batch, summed over the ranks during the forward pass;
// their gradients are summed over the ranks during the backward pass, so that the ranks together compute the
// gradient of one process holding the whole batch. Beside DistributedDataParallel's SyncBatchNorm, which
// needs CUDA in PyTorch 1.13; this one runs on Gloo.
#pragma once

#include <torch/nn/module.h>

#include <cstdint>

#include "wavetwin/dist/world.h"
#include "wavetwin/layers/batch_norm.h"

namespace wavetwin::dist {

/// Sums a tensor over the ranks (an all-reduce); its backward all-reduces the gradient. Every rank must call it
/// in the same order; the world must outlive it.
layers::BatchSum batch_sum(World& world);

/// Sets `batch_sum(world)` on every batch normalisation of `module` (layers::set_batch_sum); returns their count.
int64_t synchronise_batch_norm(torch::nn::Module& module, World& world);

}  // namespace wavetwin::dist
