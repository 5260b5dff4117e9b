// src/wavelets/filter.cpp: the filtering primitives of filter.h (torch-free, compiled at -O3).
//
// Every loop below is an axpy over contiguous memory (y[i] += a * x[i]) so that the compiler vectorises it;
// strided access along a line is turned into contiguous access by splitting the line into its polyphase
// components first.
#include "wavetwin/wavelets/filter.h"

#include <algorithm>
#include <cstring>

namespace wavetwin::wavelets::detail {
namespace {

template <typename T>
inline void axpy2(T* __restrict lo, T* __restrict hi, const T* __restrict x, T a, T b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    lo[i] += a * x[i];
    hi[i] += b * x[i];
  }
}

template <typename T>
inline void dot2(T* __restrict x, const T* __restrict lo, const T* __restrict hi, T a, T b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] += a * lo[i] + b * hi[i];
}

}  // namespace

template <typename T>
void analysis_line(const T* x, int64_t n, const T* f_lo, const T* f_hi, int64_t taps, int64_t stride,
                   int64_t dilation, T* lo, T* hi, int64_t n_out, T* scratch) {
  std::fill(lo, lo + n_out, T(0));
  std::fill(hi, hi + n_out, T(0));
  if (stride == 1) {
    for (int64_t k = 0; k < taps; ++k) axpy2(lo, hi, x + dilation * k, f_lo[k], f_hi[k], n_out);
    return;
  }
  // Polyphase split: x[s*i + d*k] = phase[(d*k) % s][i + (d*k) / s].
  const int64_t phase_len = (n + stride - 1) / stride;
  for (int64_t p = 0; p < stride; ++p) {
    T* phase = scratch + p * phase_len;
    int64_t i = 0;
    for (int64_t j = p; j < n; j += stride) phase[i++] = x[j];
  }
  for (int64_t k = 0; k < taps; ++k) {
    const int64_t offset = dilation * k;
    const T* phase = scratch + (offset % stride) * phase_len + offset / stride;
    axpy2(lo, hi, phase, f_lo[k], f_hi[k], n_out);
  }
}

template <typename T>
void analysis_line_adjoint(const T* lo, const T* hi, int64_t n_out, const T* f_lo, const T* f_hi,
                           int64_t taps, int64_t stride, int64_t dilation, T* x_grad, int64_t n,
                           T* scratch) {
  if (stride == 1) {
    for (int64_t k = 0; k < taps; ++k) dot2(x_grad + dilation * k, lo, hi, f_lo[k], f_hi[k], n_out);
    return;
  }
  const int64_t phase_len = (n + stride - 1) / stride;
  std::fill(scratch, scratch + stride * phase_len, T(0));
  for (int64_t k = 0; k < taps; ++k) {
    const int64_t offset = dilation * k;
    T* phase = scratch + (offset % stride) * phase_len + offset / stride;
    dot2(phase, lo, hi, f_lo[k], f_hi[k], n_out);
  }
  for (int64_t p = 0; p < stride; ++p) {
    const T* phase = scratch + p * phase_len;
    int64_t i = 0;
    for (int64_t j = p; j < n; j += stride) x_grad[j] += phase[i++];
  }
}

template <typename T>
void analysis_rows(const T* x, int64_t n, int64_t cols, const T* f_lo, const T* f_hi, int64_t taps,
                   int64_t stride, int64_t dilation, T* lo, T* hi, int64_t n_out) {
  (void)n;
  for (int64_t i = 0; i < n_out; ++i) {
    T* lo_row = lo + i * cols;
    T* hi_row = hi + i * cols;
    std::fill(lo_row, lo_row + cols, T(0));
    std::fill(hi_row, hi_row + cols, T(0));
    for (int64_t k = 0; k < taps; ++k) {
      axpy2(lo_row, hi_row, x + (stride * i + dilation * k) * cols, f_lo[k], f_hi[k], cols);
    }
  }
}

template <typename T>
void analysis_rows_adjoint(const T* lo, const T* hi, int64_t n_out, int64_t cols, const T* f_lo,
                           const T* f_hi, int64_t taps, int64_t stride, int64_t dilation, T* x_grad,
                           int64_t n) {
  (void)n;
  for (int64_t i = 0; i < n_out; ++i) {
    for (int64_t k = 0; k < taps; ++k) {
      dot2(x_grad + (stride * i + dilation * k) * cols, lo + i * cols, hi + i * cols, f_lo[k], f_hi[k], cols);
    }
  }
}

#define WAVETWIN_INSTANTIATE(T)                                                                         \
  template void analysis_line<T>(const T*, int64_t, const T*, const T*, int64_t, int64_t, int64_t, T*, \
                                 T*, int64_t, T*);                                                     \
  template void analysis_line_adjoint<T>(const T*, const T*, int64_t, const T*, const T*, int64_t,     \
                                         int64_t, int64_t, T*, int64_t, T*);                           \
  template void analysis_rows<T>(const T*, int64_t, int64_t, const T*, const T*, int64_t, int64_t,     \
                                 int64_t, T*, T*, int64_t);                                            \
  template void analysis_rows_adjoint<T>(const T*, const T*, int64_t, int64_t, const T*, const T*,     \
                                         int64_t, int64_t, int64_t, T*, int64_t);
WAVETWIN_INSTANTIATE(float)
WAVETWIN_INSTANTIATE(double)
#undef WAVETWIN_INSTANTIATE

}  // namespace wavetwin::wavelets::detail
