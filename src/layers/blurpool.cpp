// src/layers/blurpool.cpp: BlurPool.
#include "wavetwin/layers/blurpool.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/macs.h"

namespace wavetwin::layers {

BlurPadding parse_blur_padding(const std::string& name) {
  if (name == "reflect") return BlurPadding::kReflect;
  if (name == "replicate") return BlurPadding::kReplicate;
  if (name == "zeros" || name == "zero") return BlurPadding::kZeros;
  if (name == "circular") return BlurPadding::kCircular;
  WAVETWIN_FAIL("blur padding '", name, "'; expected reflect, replicate, zeros or circular");
}

std::string blur_padding_name(BlurPadding padding) {
  static const char* names[] = {"reflect", "replicate", "zeros", "circular"};
  return names[static_cast<int>(padding)];
}

torch::Tensor binomial_filter(int64_t size) {
  WAVETWIN_CHECK(size >= 1 && size <= 7, "blur filter size ", size, "; expected 1 to 7");
  std::vector<double> row{1.0};
  for (int64_t i = 1; i < size; ++i) {
    std::vector<double> next(row.size() + 1, 0.0);
    for (size_t j = 0; j < row.size(); ++j) next[j] += row[j], next[j + 1] += row[j];
    row = next;
  }
  const torch::Tensor t = torch::tensor(row, torch::kFloat64);
  return t / t.sum();
}

torch::Tensor blur_filter(int64_t channels, int64_t size) {
  const torch::Tensor row = binomial_filter(size).to(torch::kFloat32);
  return torch::outer(row, row).expand({channels, 1, size, size}).contiguous();
}

torch::Tensor blur_pad(const torch::Tensor& x, int64_t before, int64_t after, BlurPadding padding) {
  if (before == 0 && after == 0) return x;
  namespace F = torch::nn::functional;
  const std::vector<int64_t> pads{before, after, before, after};
  switch (padding) {
    case BlurPadding::kReflect:
      WAVETWIN_CHECK(std::max(before, after) < std::min(x.size(2), x.size(3)), "blur: reflect padding by ",
                     std::max(before, after), " needs inputs larger than that, got ", x.size(2), "x", x.size(3),
                     "; use replicate or zeros padding for inputs this small");
      return F::pad(x, F::PadFuncOptions(pads).mode(torch::kReflect));
    case BlurPadding::kReplicate:
      return F::pad(x, F::PadFuncOptions(pads).mode(torch::kReplicate));
    case BlurPadding::kZeros:
      return F::pad(x, F::PadFuncOptions(pads).mode(torch::kConstant));
    case BlurPadding::kCircular:
      WAVETWIN_CHECK(std::max(before, after) <= std::min(x.size(2), x.size(3)), "blur: circular padding by ",
                     std::max(before, after), " needs inputs at least that large, got ", x.size(2), "x", x.size(3),
                     "; use zeros padding for inputs this small");
      return F::pad(x, F::PadFuncOptions(pads).mode(torch::kCircular));
  }
  return x;
}

torch::Tensor blur_pool(const torch::Tensor& x, const torch::Tensor& filter, const BlurPoolOptions& options) {
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == filter.size(0), "BlurPool: input of shape ", x.sizes(),
                 "; expected (N, ", filter.size(0), ", H, W)");
  const int64_t k = filter.size(2), s = options.stride();
  if (k == 1 && options.pad_off() == 0) {
    return x.slice(2, 0, c10::nullopt, s).slice(3, 0, c10::nullopt, s);
  }
  const torch::Tensor padded = blur_pad(x, (k - 1) / 2 + options.pad_off(), k / 2 + options.pad_off(), options.padding());
  const std::vector<int64_t> strides{s, s}, zeros{0, 0}, ones{1, 1};
  const torch::Tensor y = torch::conv2d(padded, filter.to(x.dtype()), torch::Tensor(), strides, zeros, ones, x.size(1));
  MacCounter::report(y.numel() * k * k);
  return y;
}

BlurPoolImpl::BlurPoolImpl(const BlurPoolOptions& options_) : options(options_) { reset(); }

void BlurPoolImpl::reset() {
  WAVETWIN_CHECK(options.channels() >= 1, "BlurPool: channels=", options.channels(), "; expected >= 1");
  WAVETWIN_CHECK(options.stride() >= 1 && options.pad_off() >= 0, "BlurPool: stride=", options.stride(), ", pad_off=",
                 options.pad_off(), "; expected stride >= 1 and pad_off >= 0");
  filter = register_buffer("filter", blur_filter(options.channels(), options.filter_size()));
}

void BlurPoolImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::BlurPool(channels=" << options.channels() << ", filter_size=" << options.filter_size()
         << ", stride=" << options.stride() << ", padding=" << blur_padding_name(options.padding()) << ")";
}

}  // namespace wavetwin::layers
