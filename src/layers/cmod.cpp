// src/layers/cmod.cpp: CMod.
#include "wavetwin/layers/cmod.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/layers/modulus.h"

namespace wavetwin::layers {

torch::Tensor cmod(const torch::Tensor& x, const torch::Tensor& kernels, const CModOptions& options) {
  WAVETWIN_CHECK(kernels.dim() == 4 && kernels.is_complex(), "cmod: kernels of shape ", kernels.sizes(),
                 " and dtype ", kernels.scalar_type(), "; expected complex (Cout, Cin, kh, kw)");
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == kernels.size(1), "cmod: input of shape ", x.sizes(), "; expected (N, ",
                 kernels.size(1), ", H, W)");
  WAVETWIN_CHECK(options.stride() >= 1, "cmod: stride=", options.stride(), "; expected >= 1");
  const int64_t stride = 2 * options.stride();
  const torch::Tensor re = torch::conv2d(x, torch::real(kernels).to(x.scalar_type()), {}, stride);
  const torch::Tensor im = torch::conv2d(x, torch::imag(kernels).to(x.scalar_type()), {}, stride);
  return torch::abs(torch::complex(re, im));
}

torch::Tensor cmod_dtcwpt_maps(const torch::Tensor& x, const torch::Tensor& filters,
                               const wavelets::DtCwptOptions& wavelet, const wavelets::SampleGrid& grid) {
  return wavelets::dtcwpt2d_on_grid(x, filters.to(x.scalar_type()),
                                    wavelets::DtCwptOptions(wavelet).complex(false).real_only(false), grid);
}

torch::Tensor cmod_from_dtcwpt(const torch::Tensor& interleaved) {
  WAVETWIN_CHECK(interleaved.dim() == 4 && !interleaved.is_complex() && interleaved.size(1) % 2 == 0,
                 "cmod_from_dtcwpt: maps of shape ", interleaved.sizes(), "; expected interleaved (N, 2K, H, W)");
  return modulus(interleaved.slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2));
}

CModImpl::CModImpl(torch::Tensor kernels_, const CModOptions& options_)
    : options(options_), initial_kernels_(std::move(kernels_)) {
  reset();
}

CModImpl::CModImpl(const wavelets::DtCwptOptions& wavelet)
    : options(CModOptions(int64_t{1} << (wavelet.levels() - 1))),
      wavelet_(wavelets::DtCwptOptions(wavelet).stride(int64_t{1} << (wavelet.levels() - 1)).complex(false)) {
  reset();
}

void CModImpl::reset() {
  if (wavelet_) {
    transform = register_module("transform", wavelets::DtCwpt2d(*wavelet_));
  } else {
    kernels = register_buffer("kernels", initial_kernels_.clone());
  }
}

void CModImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::CMod(stride=" << options.stride();
  if (wavelet_) {
    stream << ", dtcwpt levels=" << wavelet_->levels();
  } else {
    stream << ", kernels=" << kernels.sizes();
  }
  stream << ")";
}

torch::Tensor CModImpl::forward(const torch::Tensor& x) {
  if (!wavelet_) return cmod(x, kernels, options);
  WAVETWIN_CHECK(x.dim() == 4, "CMod: input of shape ", x.sizes(), "; expected (N, C, H, W)");
  // The stride-m map decimated from index 0 (wcnn's Downsample2d), computed at stride 2m directly.
  const auto grid = wavelets::dtcwpt2d_grid(x.size(2), x.size(3), *wavelet_, 2);
  return modulus(cmod_dtcwpt_maps(x, transform->filters, *wavelet_, grid));
}

}  // namespace wavetwin::layers
