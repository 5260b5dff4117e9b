// src/layers/rmax.cpp: RMax.
#include "wavetwin/layers/rmax.h"

#include <torch/torch.h>

#include "wavetwin/error.h"

namespace wavetwin::layers {
namespace {

void check_kernels(const torch::Tensor& x, const torch::Tensor& kernels, const char* where) {
  WAVETWIN_CHECK(kernels.dim() == 4 && kernels.is_complex(), where, ": kernels of shape ", kernels.sizes(),
                 " and dtype ", kernels.scalar_type(), "; expected complex (Cout, Cin, kh, kw)");
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == kernels.size(1), where, ": input of shape ", x.sizes(),
                 "; expected (N, ", kernels.size(1), ", H, W)");
}

wavelets::DtCwptOptions rmax_wavelet(wavelets::DtCwptOptions wavelet) {
  return wavelet.stride(int64_t{1} << (wavelet.levels() - 1)).complex(false);
}

}  // namespace

torch::Tensor max_pool_q(const torch::Tensor& y, int64_t q) {
  WAVETWIN_CHECK(q >= 1, "max_pool_q: q=", q, "; expected q >= 1");
  return torch::max_pool2d(y, {2 * q + 1, 2 * q + 1}, {2, 2}, {q, q});
}

torch::Tensor rmax(const torch::Tensor& x, const torch::Tensor& kernels, const RMaxOptions& options) {
  check_kernels(x, kernels, "rmax");
  WAVETWIN_CHECK(options.stride() >= 1, "rmax: stride=", options.stride(), "; expected >= 1");
  const torch::Tensor y = torch::conv2d(x, torch::real(kernels).to(x.scalar_type()), {}, options.stride());
  return max_pool_q(y, options.q());
}

RMaxImpl::RMaxImpl(torch::Tensor kernels_, const RMaxOptions& options_)
    : options(options_), initial_kernels_(std::move(kernels_)) {
  reset();
}

RMaxImpl::RMaxImpl(const wavelets::DtCwptOptions& wavelet, int64_t q)
    : options(RMaxOptions(int64_t{1} << (wavelet.levels() - 1)).q(q)), wavelet_(rmax_wavelet(wavelet)) {
  reset();
}

void RMaxImpl::reset() {
  if (wavelet_) {
    transform = register_module("transform", wavelets::DtCwpt2d(*wavelet_));
  } else {
    kernels = register_buffer("kernels", initial_kernels_.clone());
  }
}

void RMaxImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::RMax(stride=" << options.stride();
  if (options.q() != 1) stream << ", q=" << options.q();
  if (wavelet_) {
    stream << ", dtcwpt levels=" << wavelet_->levels();
  } else {
    stream << ", kernels=" << kernels.sizes();
  }
  stream << ")";
}

torch::Tensor RMaxImpl::forward(const torch::Tensor& x) {
  if (!wavelet_) return rmax(x, kernels, options);
  const torch::Tensor y = transform(x);
  return max_pool_q(y.slice(1, 0, c10::nullopt, 2), options.q());  // real parts: channels 2P
}

}  // namespace wavetwin::layers
