// src/report/mosaic.cpp: tiles in a grid.
#include "wavetwin/report/mosaic.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/error.h"

namespace wavetwin::report {

torch::Tensor mosaic(const torch::Tensor& tiles, TileScale scale, int64_t zoom) {
  WAVETWIN_CHECK(tiles.defined() && tiles.dim() == 4 && tiles.size(0) >= 1 && (tiles.size(1) == 1 || tiles.size(1) == 3),
                 "mosaic: tiles of shape ", tiles.defined() ? tiles.sizes() : torch::IntArrayRef{},
                 "; expected (K, 1 or 3, h, w) with K >= 1");
  WAVETWIN_CHECK(zoom >= 1 && zoom <= 64, "mosaic: zoom ", zoom, "; expected 1..64");
  const torch::Tensor t = tiles.to(torch::kFloat64).cpu();
  torch::Tensor unit;
  if (scale == TileScale::kSymmetric) {
    const torch::Tensor top = t.abs().amax({1, 2, 3}, true);
    unit = 0.5 + 0.5 * t / torch::where(top > 0, top, torch::ones_like(top));
  } else {
    const torch::Tensor lo = t.amin({1, 2, 3}, true), hi = t.amax({1, 2, 3}, true);
    const torch::Tensor span = hi - lo;
    unit = (t - lo) / torch::where(span > 0, span, torch::ones_like(span));
  }
  unit = unit.repeat_interleave(zoom, 2).repeat_interleave(zoom, 3);
  const int64_t k = t.size(0), c = t.size(1), h = unit.size(2), w = unit.size(3);
  const int64_t columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(k))));
  const int64_t rows = (k + columns - 1) / columns;
  torch::Tensor canvas = torch::ones({c, rows * (h + 1) + 1, columns * (w + 1) + 1}, torch::kFloat64);
  for (int64_t i = 0; i < k; ++i) {
    const int64_t r = i / columns, col = i % columns;
    canvas.narrow(1, r * (h + 1) + 1, h).narrow(2, col * (w + 1) + 1, w).copy_(unit[i]);
  }
  return (canvas * 255).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

}  // namespace wavetwin::report
