// wavetwin/wavelets/equivalent_kernel.h: the single strided convolution kernel that reproduces the DT-CWPT.
//
// For 2-D options O and one input channel, dtcwpt2d(x, O) = conv2d(pad(x), weight, stride) with
// cross-correlation, where pad is the padding O applies (dtcwpt_padding; P on every side for the reference's
// zeros) and weight holds, for output channel 2P + r, the real (r = 0) or imaginary (r = 1) part of complex
// packet P's kernel: the outer product of the packets' equivalent 1-D row and column filters, recombined as
// Psi_a / Psi_b and conjugated as the transform does. With C channels use groups = C and
// weight.repeat({C, 1, 1, 1}). Unlike the reference's resulting_kernel, no zero margin is added.
#pragma once

#include <torch/types.h>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::wavelets {

struct EquivalentKernel {
  torch::Tensor weight;     ///< 2-D: (4 * 4^J, 1, L, L); 1-D: (2 * 2^J, 1, L)
  int64_t stride = 1;       ///< S on every axis
  int64_t padding = 0;      ///< padding before each axis for the reference zeros (P); see dtcwpt_padding
};

/// The equivalent 2-D kernel of `options` (one input channel), in the dtype of `filters`.
EquivalentKernel equivalent_kernel2d(const DtCwptOptions& options, const torch::Tensor& filters);

/// The equivalent 1-D kernel of `options`.
EquivalentKernel equivalent_kernel1d(const DtCwptOptions& options, const torch::Tensor& filters);

/// Complex kernel of 2-D packet P of the fully decimated transform of depth `levels`: (L, L) complex128.
torch::Tensor packet_kernel2d(int64_t packet, int64_t levels, const std::string& filters = "qshift_a");

}  // namespace wavetwin::wavelets
