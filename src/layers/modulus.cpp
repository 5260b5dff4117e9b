// src/layers/modulus.cpp: Modulus.
#include "wavetwin/layers/modulus.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <cmath>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {

namespace {

// |z| of interleaved (Re, Im) maps z (N, 2C, H, W) of any strides (a decimating view is read in place) into
// out (N, C, H, W) contiguous. The squares are taken in double, where those of float32 values cannot overflow,
// so no hypot is needed: torch's complex abs calls hypot and takes most of CMod's time.
// One row of |z| from samples `step` apart (Step: the step when known at compile time, else 0).
template <int64_t Step>
void modulus_row(const float* re, const float* im, float* to, int64_t count, int64_t step) {
  const int64_t s = Step > 0 ? Step : step;
  for (int64_t j = 0; j < count; ++j) {
    const double a = re[j * s], b = im[j * s];
    to[j] = static_cast<float>(std::sqrt(a * a + b * b));
  }
}

void modulus_maps(const torch::Tensor& z, torch::Tensor& out) {
  const float* data = z.data_ptr<float>();
  float* to = out.data_ptr<float>();
  const int64_t channels = out.size(1), h = out.size(2), w = out.size(3);
  const int64_t sn = z.stride(0), sc = z.stride(1), sh = z.stride(2), sw = z.stride(3);
  at::parallel_for(0, out.size(0) * channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float* re = data + (k / channels) * sn + 2 * (k % channels) * sc;
      const float* im = re + sc;
      float* plane = to + k * h * w;
      for (int64_t i = 0; i < h; ++i) {
        // The contiguous and the decimated (CMod's) rows with a constant step, so that the loop vectorises.
        if (sw == 1) {
          modulus_row<1>(re + i * sh, im + i * sh, plane + i * w, w, 1);
        } else if (sw == 2) {
          modulus_row<2>(re + i * sh, im + i * sh, plane + i * w, w, 2);
        } else {
          modulus_row<0>(re + i * sh, im + i * sh, plane + i * w, w, sw);
        }
      }
    }
  });
}

}  // namespace

torch::Tensor modulus(const torch::Tensor& z) {
  const bool differentiate = z.requires_grad() && torch::GradMode::is_enabled();
  if (differentiate || z.is_complex() || !z.is_cpu() || z.scalar_type() != torch::kFloat32 || z.dim() < 2 ||
      z.size(1) % 2 != 0) {
    // torch::abs of a complex tensor differentiates through sgn(z), which is 0 at 0.
    return torch::abs(wavelets::as_complex(z));
  }
  auto sizes = z.sizes().vec();
  sizes[1] /= 2;
  torch::Tensor out = torch::empty(sizes, z.options());
  if (out.numel() == 0) return out;
  const torch::Tensor maps = z.dim() == 4 ? z : z.contiguous().view({z.size(0), z.size(1), 1, -1});
  torch::Tensor flat = out.view({out.size(0), out.size(1), 1, -1});
  modulus_maps(maps, z.dim() == 4 ? out : flat);
  return out;
}

}  // namespace wavetwin::layers
