// src/layers/adaptive_blurpool.cpp: AdaptiveBlurPool.
#include "wavetwin/layers/adaptive_blurpool.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/macs.h"

namespace wavetwin::layers {

torch::Tensor apply_pixel_filters(const torch::Tensor& x, const torch::Tensor& weights, int64_t kernel_size,
                                  int64_t stride, BlurPadding padding) {
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), k2 = kernel_size * kernel_size;
  WAVETWIN_CHECK(weights.dim() == 4 && weights.size(0) == n && weights.size(1) % k2 == 0 && weights.size(2) == h &&
                     weights.size(3) == w,
                 "adaptive blur: filter weights of shape ", weights.sizes(), " for an input of shape ", x.sizes(),
                 "; expected (", n, ", groups * ", k2, ", ", h, ", ", w, ")");
  const int64_t g = weights.size(1) / k2;
  WAVETWIN_CHECK(c % g == 0, "adaptive blur: ", c, " channels in ", g, " groups; expected a multiple");
  // Only the pixels kept by the subsampling are filtered: the windows around (s i, s j).
  const torch::Tensor padded = blur_pad(x, kernel_size / 2, kernel_size / 2, padding);
  const torch::Tensor windows = torch::nn::functional::unfold(
      padded, torch::nn::functional::UnfoldFuncOptions(kernel_size).stride(stride));  // (N, C k^2, L)
  const int64_t ho = (h + stride - 1) / stride, wo = (w + stride - 1) / stride;
  const torch::Tensor kept = weights.slice(2, 0, c10::nullopt, stride).slice(3, 0, c10::nullopt, stride);
  const torch::Tensor out = (windows.view({n, g, c / g, k2, ho * wo}) * kept.reshape({n, g, 1, k2, ho * wo})).sum(3);
  MacCounter::report(out.numel() * k2);
  return out.view({n, c, ho, wo});
}

AdaptiveBlurPoolImpl::AdaptiveBlurPoolImpl(const AdaptiveBlurPoolOptions& options_) : options(options_) { reset(); }

void AdaptiveBlurPoolImpl::reset() {
  const int64_t c = options.channels(), k = options.kernel_size(), g = options.groups();
  WAVETWIN_CHECK(k >= 1 && k % 2 == 1, "AdaptiveBlurPool: kernel_size=", k, "; expected an odd size >= 1");
  WAVETWIN_CHECK(g >= 1 && c >= 1 && c % g == 0, "AdaptiveBlurPool: channels=", c, ", groups=", g,
                 "; expected channels a multiple of groups");
  WAVETWIN_CHECK(options.stride() >= 1, "AdaptiveBlurPool: stride=", options.stride(), "; expected >= 1");
  conv = register_module("conv", Conv2d(torch::nn::Conv2dOptions(c, g * k * k, k).bias(false)));
  torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
  bn = register_module("bn", BatchNorm2d(g * k * k));
}

torch::Tensor AdaptiveBlurPoolImpl::predict(const torch::Tensor& x) {
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == options.channels(), "AdaptiveBlurPool: input of shape ", x.sizes(),
                 "; expected (N, ", options.channels(), ", H, W)");
  const int64_t k = options.kernel_size();
  const torch::Tensor logits = bn(conv(blur_pad(x, k / 2, k / 2, options.padding())));
  if (options.joint_softmax()) return torch::softmax(logits, 1);
  const auto s = logits.sizes();
  return torch::softmax(logits.view({s[0], options.groups(), k * k, s[2], s[3]}), 2).view(s);
}

torch::Tensor AdaptiveBlurPoolImpl::forward(const torch::Tensor& x) {
  return apply_pixel_filters(x, predict(x), options.kernel_size(), options.stride(), options.padding());
}

void AdaptiveBlurPoolImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::AdaptiveBlurPool(channels=" << options.channels() << ", kernel_size="
         << options.kernel_size() << ", stride=" << options.stride() << ", groups=" << options.groups()
         << (options.joint_softmax() ? ", joint softmax" : ", per-group softmax") << ")";
}

}  // namespace wavetwin::layers
