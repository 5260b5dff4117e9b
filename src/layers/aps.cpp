// src/layers/aps.cpp: adaptive polyphase sampling.
#include "wavetwin/layers/aps.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {

std::string aps_norm_name(ApsNorm norm) {
  switch (norm) {
    case ApsNorm::kL2: return "l2";
    case ApsNorm::kL1: return "l1";
    case ApsNorm::kLInf: return "linf";
  }
  return "l2";
}

ApsNorm parse_aps_norm(const std::string& name) {
  for (const ApsNorm norm : {ApsNorm::kL2, ApsNorm::kL1, ApsNorm::kLInf}) {
    if (aps_norm_name(norm) == name) return norm;
  }
  WAVETWIN_FAIL("APS norm '", name, "'; expected l2, l1 or linf");
}

torch::Tensor polyphase_components(const torch::Tensor& x, int64_t stride) {
  WAVETWIN_CHECK(x.dim() == 4 && x.size(2) >= 1 && x.size(3) >= 1, "APS: input of shape ", x.sizes(),
                 "; expected (N, C, H, W)");
  WAVETWIN_CHECK(stride >= 1, "APS: stride ", stride, "; expected >= 1");
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t ho = (h + stride - 1) / stride, wo = (w + stride - 1) / stride;
  torch::Tensor t = x;
  // Circular extension to multiples of the stride (indices modulo the side, so any side works).
  const auto opts = torch::TensorOptions().dtype(torch::kInt64).device(x.device());
  if (ho * stride != h) t = t.index_select(2, torch::arange(ho * stride, opts).remainder(h));
  if (wo * stride != w) t = t.index_select(3, torch::arange(wo * stride, opts).remainder(w));
  return t.reshape({n, c, ho, stride, wo, stride}).permute({0, 3, 5, 1, 2, 4}).reshape({n, stride * stride, c, ho, wo});
}

torch::Tensor select_polyphase(const torch::Tensor& components, ApsNorm norm) {
  WAVETWIN_CHECK(components.dim() == 5, "APS: components of shape ", components.sizes(), "; expected (N, P, C, h, w)");
  const torch::Tensor flat = components.detach().flatten(2);
  torch::Tensor norms;
  switch (norm) {
    case ApsNorm::kL2: norms = flat.square().sum(2); break;
    case ApsNorm::kL1: norms = flat.abs().sum(2); break;
    case ApsNorm::kLInf: norms = flat.abs().amax(2); break;
  }
  // torch's argmax returns the first of equal maxima: ties go to the lowest index.
  return norms.argmax(1);
}

torch::Tensor gather_polyphase(const torch::Tensor& components, const torch::Tensor& indices) {
  WAVETWIN_CHECK(components.dim() == 5, "APS: components of shape ", components.sizes(), "; expected (N, P, C, h, w)");
  const int64_t n = components.size(0), p = components.size(1);
  WAVETWIN_CHECK(indices.dim() == 1 && indices.size(0) == n && indices.scalar_type() == torch::kInt64,
                 "APS: polyphase indices of shape ", indices.sizes(), " and type ", indices.scalar_type(), " for ", n,
                 " samples; expected int64 (", n, ")");
  WAVETWIN_CHECK(n == 0 || (indices.min().item<int64_t>() >= 0 && indices.max().item<int64_t>() < p),
                 "APS: polyphase indices outside [0, ", p, "); expected indices chosen at the same stride");
  const torch::Tensor rows = torch::arange(n, indices.options());
  return components.index({rows, indices.to(components.device())});
}

torch::nn::Functional circular_padding(int64_t size) {
  return torch::nn::Functional([size](const torch::Tensor& x) {
    namespace F = torch::nn::functional;
    return F::pad(x, F::PadFuncOptions({size, size, size, size}).mode(torch::kCircular));
  });
}

ApsImpl::ApsImpl(const ApsOptions& options_) : options(options_) { reset(); }

void ApsImpl::reset() {
  WAVETWIN_CHECK(options.channels() >= 1, "APS: channels=", options.channels(), "; expected >= 1");
  WAVETWIN_CHECK(options.stride() >= 1, "APS: stride=", options.stride(), "; expected >= 1");
  filter = register_buffer("filter", blur_filter(options.channels(), options.filter_size()));
}

namespace {

torch::Tensor low_pass(const torch::Tensor& x, const torch::Tensor& filter, const ApsOptions& options) {
  return blur_pool(x, filter,
                   BlurPoolOptions(options.channels()).filter_size(options.filter_size()).stride(1).padding(options.padding()));
}

}  // namespace

ApsOutput ApsImpl::forward_indexed(const torch::Tensor& x) {
  const torch::Tensor components = polyphase_components(low_pass(x, filter, options), options.stride());
  const torch::Tensor indices = select_polyphase(components, options.norm());
  return {gather_polyphase(components, indices), indices};
}

torch::Tensor ApsImpl::forward_with(const torch::Tensor& x, const torch::Tensor& indices) {
  return gather_polyphase(polyphase_components(low_pass(x, filter, options), options.stride()), indices);
}

void ApsImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::Aps(channels=" << options.channels() << ", filter_size=" << options.filter_size()
         << ", stride=" << options.stride() << ", norm=" << aps_norm_name(options.norm())
         << ", padding=" << blur_padding_name(options.padding()) << ")";
}

}  // namespace wavetwin::layers
