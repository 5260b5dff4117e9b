// wavetwin/report/mosaic.h: tiles (kernels, spectra, feature maps) laid out in a grid as one image.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace wavetwin::report {

enum class TileScale {
  kEach,       ///< each tile from its own minimum (black) to maximum (white)
  kSymmetric,  ///< each tile zero at mid grey, +-max|tile| at white/black
};

/// Lays out tiles (K, C, h, w), C = 1 (grey) or 3 (RGB), in a grid of ceil(sqrt(K)) columns, each tile
/// scaled to [0, 255] by `scale`, magnified `zoom` times (nearest neighbour) and framed by a 1-pixel white
/// gap: uint8 (H, W, C), ready for data::write_png.
torch::Tensor mosaic(const torch::Tensor& tiles, TileScale scale = TileScale::kEach, int64_t zoom = 1);

}  // namespace wavetwin::report
