// src/layers/rmax.cpp: RMax.
#include "wavetwin/layers/rmax.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "wavetwin/error.h"

namespace wavetwin::layers {
namespace {

void check_kernels(const torch::Tensor& x, const torch::Tensor& kernels, const char* where) {
  WAVETWIN_CHECK(kernels.dim() == 4 && kernels.is_complex(), where, ": kernels of shape ", kernels.sizes(),
                 " and dtype ", kernels.scalar_type(), "; expected complex (Cout, Cin, kh, kw)");
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == kernels.size(1), where, ": input of shape ", x.sizes(),
                 "; expected (N, ", kernels.size(1), ", H, W)");
}

// MaxPool_q of one plane x (h, w; rows sh apart) into y (ho, wo), separably: the maxima down the columns at
// the pooled rows (contiguous, vectorised), then along those rows at the pooled columns. `larger` picks the
// maximum of two values.
template <typename T, typename Larger>
void max_pool_plane(const T* x, T* y, int64_t h, int64_t w, int64_t sh, int64_t ho, int64_t wo, int64_t q,
                    T* line, Larger larger) {
  for (int64_t r = 0; r < ho; ++r) {
    const int64_t first = std::max<int64_t>(0, 2 * r - q), last = std::min(h - 1, 2 * r + q);
    std::copy(x + first * sh, x + first * sh + w, line);
    for (int64_t i = first + 1; i <= last; ++i) {
      const T* row = x + i * sh;
      for (int64_t j = 0; j < w; ++j) line[j] = larger(line[j], row[j]);
    }
    T* out = y + r * wo;
    // Inner outputs read 2q + 1 whole samples: for q = 1 a fixed three-term maximum, which vectorises.
    const int64_t inner_begin = std::min(wo, (q + 1) / 2), inner_end = std::max(inner_begin, (w - 1 - q) / 2 + 1);
    if (q == 1) {
      for (int64_t c = inner_begin; c < inner_end; ++c) {
        out[c] = larger(larger(line[2 * c - 1], line[2 * c]), line[2 * c + 1]);
      }
    }
    for (int64_t c = 0; c < wo; ++c) {
      if (q == 1 && c >= inner_begin && c < inner_end) continue;
      const int64_t from = std::max<int64_t>(0, 2 * c - q), till = std::min(w - 1, 2 * c + q);
      T best = line[from];
      for (int64_t j = from + 1; j <= till; ++j) best = larger(best, line[j]);
      out[c] = best;
    }
  }
}

// MaxPool_q of maps y (N, C, h, w) whose rows are contiguous (any other strides: a view taking every other
// channel is read in place) into out (N, C, ceil(h / 2), ceil(w / 2)) contiguous. A plane holding NaN takes
// the comparison that lets NaN win, as torch's max_pool2d; the others std::max, which vectorises. libtorch
// 1.13's max_pool2d takes six times as long on the filter study's maps.
template <typename T>
void max_pool_maps(const torch::Tensor& y, torch::Tensor& out, int64_t q) {
  const T* data = y.data_ptr<T>();
  T* to = out.data_ptr<T>();
  const int64_t channels = y.size(1), h = y.size(2), w = y.size(3), ho = out.size(2), wo = out.size(3);
  const int64_t sn = y.stride(0), sc = y.stride(1), sh = y.stride(2);
  at::parallel_for(0, y.size(0) * channels, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> line(w);
    for (int64_t p = begin; p < end; ++p) {
      const T* x = data + (p / channels) * sn + (p % channels) * sc;
      bool nan = false;
      for (int64_t i = 0; i < h; ++i) {
        for (int64_t j = 0; j < w; ++j) nan |= std::isnan(x[i * sh + j]);
      }
      if (nan) {
        max_pool_plane(x, to + p * ho * wo, h, w, sh, ho, wo, q, line.data(),
                       [](T best, T v) { return v > best || std::isnan(v) ? v : best; });
      } else {
        max_pool_plane(x, to + p * ho * wo, h, w, sh, ho, wo, q, line.data(),
                       [](T best, T v) { return std::max(best, v); });
      }
    }
  });
}

wavelets::DtCwptOptions rmax_wavelet(wavelets::DtCwptOptions wavelet) {
  return wavelet.stride(int64_t{1} << (wavelet.levels() - 1)).complex(false);
}

}  // namespace

torch::Tensor max_pool_q(const torch::Tensor& y, int64_t q) {
  WAVETWIN_CHECK(q >= 1, "max_pool_q: q=", q, "; expected q >= 1");
  WAVETWIN_CHECK(y.dim() == 4, "max_pool_q: input of shape ", y.sizes(), "; expected (N, C, H, W)");
  const bool differentiate = y.requires_grad() && torch::GradMode::is_enabled();
  const bool plain = y.scalar_type() == torch::kFloat32 || y.scalar_type() == torch::kFloat64;
  if (differentiate || !y.is_cpu() || !plain || y.numel() == 0) {
    return torch::max_pool2d(y, {2 * q + 1, 2 * q + 1}, {2, 2}, {q, q});
  }
  const torch::Tensor maps = y.stride(3) == 1 ? y : y.contiguous();
  torch::Tensor out = torch::empty({y.size(0), y.size(1), (y.size(2) + 1) / 2, (y.size(3) + 1) / 2}, y.options());
  AT_DISPATCH_FLOATING_TYPES(y.scalar_type(), "max_pool_q", [&] { max_pool_maps<scalar_t>(maps, out, q); });
  return out;
}

torch::Tensor rmax(const torch::Tensor& x, const torch::Tensor& kernels, const RMaxOptions& options) {
  check_kernels(x, kernels, "rmax");
  WAVETWIN_CHECK(options.stride() >= 1, "rmax: stride=", options.stride(), "; expected >= 1");
  const torch::Tensor y = torch::conv2d(x, torch::real(kernels).to(x.scalar_type()), {}, options.stride());
  return max_pool_q(y, options.q());
}

torch::Tensor rmax_dtcwpt_maps(const torch::Tensor& x, const torch::Tensor& filters,
                               const wavelets::DtCwptOptions& wavelet, const wavelets::SampleGrid& grid) {
  return wavelets::dtcwpt2d_on_grid(x, filters.to(x.scalar_type()),
                                    wavelets::DtCwptOptions(wavelet).complex(false).real_only(true), grid);
}

torch::Tensor rmax_from_dtcwpt(const torch::Tensor& interleaved, int64_t q) {
  WAVETWIN_CHECK(interleaved.dim() == 4 && !interleaved.is_complex() && interleaved.size(1) % 2 == 0,
                 "rmax_from_dtcwpt: maps of shape ", interleaved.sizes(), "; expected interleaved (N, 2K, H, W)");
  return max_pool_q(interleaved.slice(1, 0, c10::nullopt, 2), q);
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
  WAVETWIN_CHECK(x.dim() == 4, "RMax: input of shape ", x.sizes(), "; expected (N, C, H, W)");
  const auto grid = wavelets::dtcwpt2d_grid(x.size(2), x.size(3), *wavelet_);
  return max_pool_q(rmax_dtcwpt_maps(x, transform->filters, *wavelet_, grid), options.q());
}

}  // namespace wavetwin::layers
