// wavetwin/wavelets/filter.h: one analysis stage of a two-channel filter bank, and its adjoint, on raw arrays.
//
// A stage maps x to two outputs by cross-correlation with decimation (stride s) and dilation d:
//     lo[i] = sum_k f_lo[k] x[s*i + d*k],   hi[i] = sum_k f_hi[k] x[s*i + d*k],   i = 0 .. n_out-1,
// a "valid" correlation: n_out = floor((n - d*(taps-1) - 1) / s) + 1. The adjoint (the backward pass and
// the synthesis of an orthonormal bank) is x[s*i + d*k] += f_lo[k] lo[i] + f_hi[k] hi[i].
//
// Primitives (everything the dual-tree recursion in dual_tree.cpp needs):
//   analysis_line / analysis_line_adjoint  along a line in polyphase layout (vectorised along the line);
//   analysis_rows / analysis_rows_adjoint  along the rows of a row-major array (vectorised along columns).
// These are torch-free and compiled at -O3, apart from the rest of the library.
#pragma once

#include <algorithm>
#include <cstdint>

namespace wavetwin::wavelets::detail {

/// Length of a valid strided, dilated correlation of n samples with `taps` taps (<= 0 when too short).
inline int64_t stage_output_length(int64_t n, int64_t taps, int64_t stride, int64_t dilation) {
  const int64_t span = dilation * (taps - 1) + 1;
  if (n < span) return 0;
  return (n - span) / stride + 1;
}

/// Lines are stored in polyphase layout: a line of n samples in `phases` components keeps sample i at
/// (i % phases) * phase_capacity(n, phases) + i / phases. One phase is the natural layout. Strided stages
/// then read contiguous memory, and a stage of stride s turns `phases` input components into phases / s
/// output components with no copy.
inline int64_t phase_capacity(int64_t n, int64_t phases) { return (n + phases - 1) / phases; }

/// Elements a line of n samples occupies in `phases` components.
inline int64_t phased_size(int64_t n, int64_t phases) { return phases * phase_capacity(n, phases); }

/// Scratch elements analysis_line_adjoint needs.
inline int64_t line_scratch_size(int64_t n, int64_t n_out, int64_t phases, int64_t taps, int64_t stride,
                                 int64_t dilation) {
  const int64_t out_phases = phases / stride;
  const int64_t margin = (stride * (out_phases - 1) + dilation * (taps - 1)) / phases + 1;
  return 2 * out_phases * (margin + std::max(phase_capacity(n, phases), phase_capacity(n_out, out_phases)));
}

/// For each of `lines` lines: lo, hi (n_out samples each, in phases / stride components, overwritten) from
/// the line x (n samples in `phases` components; phases a multiple of stride). Line l starts at
/// x + l * x_step and lo/hi + l * out_step.
template <typename T>
void analysis_line(const T* x, int64_t n, int64_t phases, int64_t lines, int64_t x_step, const T* f_lo,
                   const T* f_hi, int64_t taps, int64_t stride, int64_t dilation, T* lo, T* hi, int64_t n_out,
                   int64_t out_step);

/// For each of `lines` lines: x_grad (n samples in `phases` components) += adjoint of analysis_line
/// applied to (lo, hi).
template <typename T>
void analysis_line_adjoint(const T* lo, const T* hi, int64_t n_out, int64_t out_step, int64_t phases,
                           int64_t lines, const T* f_lo, const T* f_hi, int64_t taps, int64_t stride,
                           int64_t dilation, T* x_grad, int64_t n, int64_t x_step, T* scratch);

/// lo, hi: (n_out, cols) row-major, overwritten, from x: (n, cols) row-major; filtering runs down the rows.
template <typename T>
void analysis_rows(const T* x, int64_t n, int64_t cols, const T* f_lo, const T* f_hi, int64_t taps,
                   int64_t stride, int64_t dilation, T* lo, T* hi, int64_t n_out);

/// x_grad: (n, cols) += adjoint of analysis_rows applied to (lo, hi).
template <typename T>
void analysis_rows_adjoint(const T* lo, const T* hi, int64_t n_out, int64_t cols, const T* f_lo,
                           const T* f_hi, int64_t taps, int64_t stride, int64_t dilation, T* x_grad,
                           int64_t n);

}  // namespace wavetwin::wavelets::detail
