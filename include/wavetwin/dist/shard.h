// wavetwin/dist/shard.h: how a global batch is split across the ranks. The recipe's batch is the global
// batch: every step, rank r takes a contiguous part of the same seeded batch, so the world size does not change
// which samples form a step, nor (with weight()) the gradient the step applies.
#pragma once

#include <cstdint>

namespace wavetwin::dist {

/// Samples [offset, offset + count) of a batch.
struct Slice {
  int64_t offset = 0, count = 0;
};

/// Rank `rank`'s part of a batch of `items` samples split over `world` ranks: contiguous, disjoint, covering,
/// the first items % world ranks taking one sample more. Throws wavetwin::Error for impossible arguments.
Slice rank_slice(int64_t items, int64_t world, int64_t rank);

/// The factor of a rank's mean loss over its slice such that the ranks' average (what the gradient reducer
/// applies) is the mean over the whole batch: count * world / items (0 for an empty slice).
double loss_weight(const Slice& slice, int64_t items, int64_t world);

}  // namespace wavetwin::dist
