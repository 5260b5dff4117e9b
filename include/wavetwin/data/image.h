// wavetwin/data/image.h: image decode (JPEG, PNG) and encode (PNG), PIL-compatible resize, crops.
//
// Images are uint8 tensors (H, W, C), C = 1 (grey) or 3 (RGB); to_float_chw gives the (C, H, W) float32
// tensor in [0, 1] of torchvision's ToTensor. Grey conversion uses PIL's "L" weights (ITU-R 601-2).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>

namespace wavetwin::data {

enum class ColorMode {
  kAsStored,  ///< grey stays grey (1 channel), everything else becomes RGB
  kGray,      ///< 1 channel
  kRgb,       ///< 3 channels
};

/// A window of an image.
struct CropBox {
  int64_t top = 0, left = 0, height = 0, width = 0;
};

/// Picks a window from an image's (height, width).
using WindowChooser = std::function<CropBox(int64_t height, int64_t width)>;

/// The most pixels an image may declare: larger ones are refused from their header, before anything is
/// allocated (a few hundred bytes can declare 60000 x 60000). 178956970 by default (PIL's limit, twice its
/// MAX_IMAGE_PIXELS); the environment variable WAVETWIN_MAX_IMAGE_PIXELS sets another.
int64_t max_image_pixels();

/// Decodes a JPEG or PNG file (grey, RGB, CMYK, palette, 16-bit, with alpha dropped) to uint8 (H, W, C).
/// Throws wavetwin::Error naming the file when it is missing, empty, truncated, corrupt, unsupported or larger
/// than max_image_pixels().
torch::Tensor read_image(const std::string& path, ColorMode mode = ColorMode::kAsStored);

/// As read_image, from bytes in memory; `name` is used in error messages.
torch::Tensor decode_image(const void* data, size_t size, const std::string& name,
                           ColorMode mode = ColorMode::kAsStored);

/// Only the window `choose` picks from the image's size, as uint8 (H', W', C). A JPEG is decoded from its
/// header on: rows above the window are skipped, rows below are never decoded, columns are cropped to the
/// window's iMCU columns, and with `min_side` > 0 it is decoded at the coarsest DCT scale 1/d (d = 1, 2, 4,
/// 8) that keeps the window at least `min_side` pixels on both sides (the window then covers the scaled
/// image's pixels that hold it, so it is about d times smaller). With d = 1 the pixels are those of
/// read_image. Other formats are decoded whole and cropped.
torch::Tensor read_image_window(const std::string& path, ColorMode mode, const WindowChooser& choose,
                                int64_t min_side);

/// Writes a uint8 (H, W, C) or (H, W) tensor, C in {1, 3, 4}, as PNG (atomically).
void write_png(const std::string& path, const torch::Tensor& image);

/// uint8 (H, W, C) -> float32 (C, H, W) in [0, 1].
torch::Tensor to_float_chw(const torch::Tensor& image);

/// float (C, H, W) in [0, 1] -> uint8 (H, W, C), rounded and clamped.
torch::Tensor to_uint8_hwc(const torch::Tensor& image);

/// Converts uint8 (H, W, C) to the mode's channel count (PIL's conversions).
torch::Tensor convert_color(const torch::Tensor& image, ColorMode mode);

/// Bilinear resize with antialiasing, as PIL's Image.resize(BILINEAR) (the reference's Resize), on uint8
/// (H, W, C): the same fixed-point arithmetic, so results match PIL.
torch::Tensor resize(const torch::Tensor& image, int64_t height, int64_t width);

/// Resizes so that the shorter side is `size` (torchvision's Resize(int)): the longer side is
/// floor(size * long / short).
torch::Tensor resize_shorter(const torch::Tensor& image, int64_t size);

/// The (height, width) window at (top, left) of a (H, W, C) image; throws when it does not fit.
torch::Tensor crop(const torch::Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width);

/// The centred (height, width) window, offsets round((H - height) / 2) with ties to even (torchvision).
torch::Tensor center_crop(const torch::Tensor& image, int64_t height, int64_t width);

}  // namespace wavetwin::data
