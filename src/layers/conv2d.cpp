// src/layers/conv2d.cpp: the convolution with the im2col weight gradient on tiny maps.
#include "wavetwin/layers/conv2d.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/macs.h"

namespace wavetwin::layers {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Forward and input gradient by torch; weight gradient as one (O, N L) x (N L, C kh kw) product. No bias (it
// is added outside, by autograd).
struct SmallMapConvolution : torch::autograd::Function<SmallMapConvolution> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& weight, std::vector<int64_t> stride,
                        std::vector<int64_t> padding, std::vector<int64_t> dilation) {
    ctx->save_for_backward({x, weight});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    return torch::conv2d(x, weight, {}, stride, padding, dilation);
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &w = saved[1];
    const Tensor g = grads[0].contiguous();
    const auto stride = ctx->saved_data["stride"].toIntVector();
    const auto padding = ctx->saved_data["padding"].toIntVector();
    const auto dilation = ctx->saved_data["dilation"].toIntVector();
    Tensor gx, gw;
    if (ctx->needs_input_grad(0)) {
      gx = std::get<0>(at::convolution_backward(g, x, w, c10::nullopt, stride, padding, dilation, false, {0, 0}, 1,
                                                {true, false, false}));
    }
    if (ctx->needs_input_grad(1)) {
      const Tensor cols = at::im2col(x, {w.size(2), w.size(3)}, dilation, padding, stride);  // (N, C kh kw, L)
      const int64_t n = g.size(0), o = g.size(1), l = g.size(2) * g.size(3), k = cols.size(1);
      gw = g.view({n, o, l}).permute({1, 0, 2}).reshape({o, n * l}).mm(cols.permute({0, 2, 1}).reshape({n * l, k}));
      gw = gw.view_as(w);
    }
    return {gx, gw, Tensor(), Tensor(), Tensor()};
  }
};

std::vector<int64_t> pair(const torch::ExpandingArray<2>& a) { return {a->at(0), a->at(1)}; }

}  // namespace

torch::Tensor conv2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                     const torch::nn::Conv2dOptions& options) {
  const auto* explicit_padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
  const bool circular = c10::get_if<torch::enumtype::kCircular>(&options.padding_mode()) != nullptr;
  WAVETWIN_CHECK(explicit_padding != nullptr && (circular || c10::get_if<torch::enumtype::kZeros>(&options.padding_mode())),
                 "conv2d: padding 'valid', 'same' or neither zeros nor circular; expected explicit zero or circular "
                 "padding sizes");
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == options.in_channels(), "conv2d: input of shape ", x.sizes(),
                 "; expected (N, ", options.in_channels(), ", H, W)");
  const auto stride = pair(options.stride()), dilation = pair(options.dilation());
  auto padding = pair(*explicit_padding);
  if (circular && (padding[0] > 0 || padding[1] > 0)) {
    WAVETWIN_CHECK(padding[0] <= x.size(2) && padding[1] <= x.size(3), "conv2d: circular padding ", padding[0], "x", padding[1],
                   " of an input of shape ", x.sizes(), "; expected maps at least as large as the padding");
    namespace F = torch::nn::functional;
    return conv2d(F::pad(x, F::PadFuncOptions({padding[1], padding[1], padding[0], padding[0]}).mode(torch::kCircular)),
                  weight, bias, torch::nn::Conv2dOptions(options).padding(torch::ExpandingArray<2>(0)).padding_mode(torch::kZeros));
  }
  const int64_t kh = weight.size(2), kw = weight.size(3);
  const int64_t ho = (x.size(2) + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
  const int64_t wo = (x.size(3) + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
  const bool small = x.device().is_cpu() && options.groups() == 1 && ho * wo <= kSmallMap &&
                     torch::GradMode::is_enabled() && weight.requires_grad();
  Tensor y;
  if (small) {
    y = SmallMapConvolution::apply(x, weight, stride, padding, dilation);
    if (bias.defined()) y = y + bias.view({1, -1, 1, 1});
  } else {
    y = torch::conv2d(x, weight, bias, stride, padding, dilation, options.groups());
  }
  MacCounter::report(y.numel() * weight.size(1) * kh * kw);
  return y;
}

Conv2dImpl::Conv2dImpl(const torch::nn::Conv2dOptions& options_) : options(options_) { reset(); }

void Conv2dImpl::reset() {
  // torch's own module draws the initial values, so a seeded model starts as with torch::nn::Conv2d.
  const torch::nn::Conv2d reference(options);
  weight = register_parameter("weight", reference->weight.detach().clone());
  bias = options.bias() ? register_parameter("bias", reference->bias.detach().clone())
                        : register_parameter("bias", torch::Tensor(), /*requires_grad=*/false);
}

void Conv2dImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::Conv2d(" << options.in_channels() << ", " << options.out_channels()
         << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride();
  if (const auto* p = c10::get_if<torch::ExpandingArray<2>>(&options.padding())) {
    if (**p != std::array<int64_t, 2>{0, 0}) stream << ", padding=" << *p;
  }
  if (*options.dilation() != std::array<int64_t, 2>{1, 1}) stream << ", dilation=" << options.dilation();
  if (options.groups() != 1) stream << ", groups=" << options.groups();
  if (c10::get_if<torch::enumtype::kCircular>(&options.padding_mode())) stream << ", padding_mode=circular";
  if (!options.bias()) stream << ", bias=false";
  stream << ")";
}

}  // namespace wavetwin::layers
