// wavetwin/dist/shard.h: the exact mean over a global batch split across ranks (data::batch_slice): the
// gradient reducer averages the ranks' gradients, so each rank's mean loss is weighted by its share.
#pragma once

#include <cstdint>

namespace wavetwin::dist {

/// The factor of a rank's mean loss over its `count` samples such that the average over the `world` ranks
/// (what the gradient reducer applies) is the mean over all `items` samples of the step: count * world / items.
/// Throws wavetwin::Error for impossible arguments.
double loss_weight(int64_t count, int64_t items, int64_t world);

}  // namespace wavetwin::dist
