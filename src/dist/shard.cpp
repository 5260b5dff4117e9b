// src/dist/shard.cpp: a batch split across ranks.
#include "wavetwin/dist/shard.h"

#include <algorithm>

#include "wavetwin/error.h"

namespace wavetwin::dist {

Slice rank_slice(int64_t items, int64_t world, int64_t rank) {
  WAVETWIN_CHECK(items >= 0 && world >= 1 && rank >= 0 && rank < world, "batch split: ", items, " samples, rank ",
                 rank, " of ", world, "; expected samples >= 0 and 0 <= rank < world");
  const int64_t base = items / world, extra = items % world;
  return {rank * base + std::min(rank, extra), base + (rank < extra ? 1 : 0)};
}

double loss_weight(const Slice& slice, int64_t items, int64_t world) {
  if (slice.count == 0) return 0;
  return static_cast<double>(slice.count) * static_cast<double>(world) / static_cast<double>(items);
}

}  // namespace wavetwin::dist
