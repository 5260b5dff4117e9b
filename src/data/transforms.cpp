// src/data/transforms.cpp: random resized crops, flips, normalisation, and the per-sample random stream.
#include "wavetwin/data/transforms.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/data/image.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

SampleRandom::SampleRandom(uint64_t seed, uint64_t epoch, uint64_t index)
    : state_(mix64(mix64(mix64(seed) ^ (epoch + 0x9e3779b97f4a7c15ULL)) ^ index)) {}

uint64_t SampleRandom::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix64(state_);
}

double SampleRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int64_t SampleRandom::integer(int64_t lo, int64_t hi) {
  WAVETWIN_CHECK(lo <= hi, "random integer in [", lo, ", ", hi, "]; expected lo <= hi");
  return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
}

CropBox random_resized_crop_box(int64_t height, int64_t width, std::array<double, 2> scale,
                                std::array<double, 2> ratio, SampleRandom& random) {
  WAVETWIN_CHECK(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1 && ratio[0] > 0 && ratio[0] <= ratio[1],
                 "random resized crop: scale (", scale[0], ", ", scale[1], "), ratio (", ratio[0], ", ", ratio[1],
                 "); expected 0 < scale_min <= scale_max <= 1 and 0 < ratio_min <= ratio_max");
  const double area = static_cast<double>(height * width);
  const double log_lo = std::log(ratio[0]), log_hi = std::log(ratio[1]);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * random.uniform(scale[0], scale[1]);
    const double aspect = std::exp(random.uniform(log_lo, log_hi));
    const auto w = static_cast<int64_t>(std::nearbyint(std::sqrt(target * aspect)));
    const auto h = static_cast<int64_t>(std::nearbyint(std::sqrt(target / aspect)));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const int64_t top = random.integer(0, height - h), left = random.integer(0, width - w);
      return {top, left, h, w};
    }
  }
  // Fallback: the whole image, with the aspect ratio clamped into range, centred.
  const double in_ratio = static_cast<double>(width) / height;
  int64_t w = width, h = height;
  if (in_ratio < ratio[0]) {
    h = static_cast<int64_t>(std::nearbyint(w / ratio[0]));
  } else if (in_ratio > ratio[1]) {
    w = static_cast<int64_t>(std::nearbyint(h * ratio[1]));
  }
  return {(height - h) / 2, (width - w) / 2, h, w};
}

torch::Tensor horizontal_flip(const torch::Tensor& image) {
  WAVETWIN_CHECK(image.dim() == 3, "horizontal flip: image of shape ", image.sizes(), "; expected (H, W, C)");
  return image.flip({1});
}

const std::vector<double>& imagenet_mean() {
  static const std::vector<double> mean = {0.485, 0.456, 0.406};
  return mean;
}

const std::vector<double>& imagenet_std() {
  static const std::vector<double> std = {0.229, 0.224, 0.225};
  return std;
}

torch::Tensor normalize(const torch::Tensor& image_in, const std::vector<double>& mean, const std::vector<double>& std) {
  WAVETWIN_CHECK(image_in.dim() == 3 && image_in.scalar_type() == torch::kUInt8, "normalize: image of shape ",
                 image_in.sizes(), "; expected uint8 (H, W, C)");
  const torch::Tensor image = image_in.contiguous();
  const int64_t h = image.size(0), w = image.size(1), c = image.size(2);
  const auto pick = [&](const std::vector<double>& v, int64_t ch, const char* what) {
    WAVETWIN_CHECK(v.size() == 1 || static_cast<int64_t>(v.size()) >= c, "normalize: ", v.size(), " ", what,
                   " values for ", c, " channels; expected 1 or ", c);
    return v.size() == 1 ? v[0] : v[ch];
  };
  // One table of the 256 normalised values per channel.
  std::vector<float> table(256 * c);
  for (int64_t ch = 0; ch < c; ++ch) {
    const double m = pick(mean, ch, "mean"), s = pick(std, ch, "std");
    WAVETWIN_CHECK(s > 0, "normalize: std ", s, " for channel ", ch, "; expected > 0");
    for (int v = 0; v < 256; ++v) table[ch * 256 + v] = static_cast<float>((v / 255.0 - m) / s);
  }
  torch::Tensor out = torch::empty({c, h, w}, torch::kFloat32);
  const uint8_t* in = image.data_ptr<uint8_t>();
  float* o = out.data_ptr<float>();
  for (int64_t ch = 0; ch < c; ++ch) {
    const float* t = table.data() + ch * 256;
    float* plane = o + ch * h * w;
    for (int64_t p = 0; p < h * w; ++p) plane[p] = t[in[p * c + ch]];
  }
  return out;
}

torch::Tensor transform_window(const torch::Tensor& window, const TransformOptions& options, SampleRandom& random) {
  torch::Tensor out = window;
  if (out.size(0) != options.size || out.size(1) != options.size) out = resize(out, options.size, options.size);
  if (options.flip && random.uniform() < 0.5) out = horizontal_flip(out);
  return normalize(out, options.mean, options.std);
}

TransformOptions default_transform(bool train, int64_t size, int64_t channels) {
  TransformOptions t;
  t.train = train;
  t.size = size;
  if (channels == 1) t.mean = {0.5}, t.std = {0.5};
  return t;
}

torch::Tensor transform_image(const torch::Tensor& image, const TransformOptions& options, SampleRandom& random) {
  WAVETWIN_CHECK(options.size >= 1, "transform: size ", options.size, "; expected >= 1");
  if (options.train) {
    const CropBox box = random_resized_crop_box(image.size(0), image.size(1), options.scale, options.ratio, random);
    return transform_window(crop(image, box.top, box.left, box.height, box.width), options, random);
  }
  const int64_t shorter = options.resize > 0 ? options.resize : options.size;
  const torch::Tensor resized = std::min(image.size(0), image.size(1)) == shorter ? image : resize_shorter(image, shorter);
  return normalize(center_crop(resized, options.size, options.size), options.mean, options.std);
}

std::vector<torch::Tensor> ten_crops(const torch::Tensor& image, int64_t resize_to, int64_t size) {
  const torch::Tensor resized = resize_shorter(image, resize_to);
  const int64_t h = resized.size(0), w = resized.size(1);
  WAVETWIN_CHECK(size >= 1 && size <= h && size <= w, "ten crops: crop ", size, " of a ", h, "x", w,
                 " image; expected a crop no larger than the resized image");
  const std::vector<torch::Tensor> five = {crop(resized, 0, 0, size, size), crop(resized, 0, w - size, size, size),
                                           crop(resized, h - size, 0, size, size),
                                           crop(resized, h - size, w - size, size, size),
                                           center_crop(resized, size, size)};
  std::vector<torch::Tensor> crops;
  for (const auto& c : five) {
    crops.push_back(c.contiguous());
    crops.push_back(horizontal_flip(c).contiguous());
  }
  return crops;
}

ShiftDirection parse_shift_direction(const std::string& name) {
  if (name == "vertical") return ShiftDirection::kVertical;
  if (name == "horizontal") return ShiftDirection::kHorizontal;
  if (name == "diagonal") return ShiftDirection::kDiagonal;
  WAVETWIN_FAIL("shift direction '", name, "': unknown; expected vertical, horizontal or diagonal");
}

std::string shift_direction_name(ShiftDirection direction) {
  return direction == ShiftDirection::kVertical ? "vertical"
         : direction == ShiftDirection::kHorizontal ? "horizontal"
                                                     : "diagonal";
}

std::vector<torch::Tensor> shifted_windows(const torch::Tensor& image, int64_t size, int64_t max_shift,
                                           int64_t pixel_divide, ShiftDirection direction) {
  WAVETWIN_CHECK(size >= 1 && max_shift >= 0 && pixel_divide >= 1, "shifted windows: size ", size, ", max shift ",
                 max_shift, ", pixel divide ", pixel_divide, "; expected size >= 1, max shift >= 0, divide >= 1");
  const int64_t side = pixel_divide * (size + max_shift), window = pixel_divide * size;
  const torch::Tensor square = center_crop(resize_shorter(image, side), side, side);
  std::vector<torch::Tensor> frames;
  for (int64_t k = 0; k <= pixel_divide * max_shift; ++k) {
    const int64_t top = direction == ShiftDirection::kHorizontal ? 0 : k;
    const int64_t left = direction == ShiftDirection::kVertical ? 0 : k;
    const torch::Tensor frame = crop(square, top, left, window, window);
    frames.push_back(pixel_divide == 1 ? frame.contiguous() : resize(frame.contiguous(), size, size));
  }
  return frames;
}

}  // namespace wavetwin::data
