// src/wavelets/dtcwpt_detail.h: what the DT-CWPT's source files share (internal to the library): option and
// filter checks, the padding's adjoint, the CPU engine as autograd functions, the separable path's adjoint.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::wavelets::detail {

/// The overall stride S (0 in the options means 2^J).
int64_t stride_of(const DtCwptOptions& o);
/// Throws wavetwin::Error, naming `where`, for impossible options.
void check_options(const DtCwptOptions& o, const char* where);
/// Throws wavetwin::Error unless `filters` is the (4, taps) bank the options name.
void check_filters(const torch::Tensor& filters, const DtCwptOptions& o, const char* where);
/// Real output channels per input channel: (Re, Im) or Re alone for each packet.
int64_t maps_per_channel(const DtCwptOptions& o, int64_t dims);
/// Adjoint of pad_input: folds the gradient of the padded tensor back onto an input of `sizes`.
torch::Tensor unpad_adjoint(const torch::Tensor& g, const DtCwptOptions& o, const std::vector<int64_t>& sizes);

/// The CPU engine (dual_tree.h) on a padded input (N, C, padded...) of 1 or 2 dimensions, as an autograd
/// function whose backward is the adjoint (only the filters are saved).
torch::Tensor engine_forward(const torch::Tensor& x_padded, const torch::Tensor& filters, int64_t levels,
                             int64_t stride, bool real_only);
/// The engine's adjoint onto a padded input of `padded_shape` (N, C, padded...); its backward is the forward.
torch::Tensor engine_adjoint(const torch::Tensor& y, const torch::Tensor& filters, int64_t levels, int64_t stride,
                             bool real_only, const std::vector<int64_t>& padded_shape);

/// The adjoint of the separable path onto a padded input of `padded_shape`, through autograd (any device).
torch::Tensor separable_adjoint(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& o,
                                const std::vector<int64_t>& padded_shape);

}  // namespace wavetwin::wavelets::detail
