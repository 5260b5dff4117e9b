// src/dist/shard.cpp: the weight of a rank's share of a batch.
#include "wavetwin/dist/shard.h"

#include "wavetwin/error.h"

namespace wavetwin::dist {

double loss_weight(int64_t count, int64_t items, int64_t world) {
  WAVETWIN_CHECK(count >= 0 && count <= items && items >= 1 && world >= 1, "batch share: ", count, " of ", items,
                 " samples over ", world, " ranks; expected 0 <= share <= samples, samples >= 1, ranks >= 1");
  return static_cast<double>(count) * static_cast<double>(world) / static_cast<double>(items);
}

}  // namespace wavetwin::dist
