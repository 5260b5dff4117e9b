// src/wavelets/symmetric_filter.cpp: the kernels of symmetric_filter.h (torch-free, compiled at -O3).
//
// Every output row is an axpy chain over whole input rows, so the inner loops run along contiguous columns
// and vectorise; the extension costs nothing but an index per tap.
#include "wavetwin/wavelets/symmetric_filter.h"

namespace wavetwin::wavelets::detail {

template <typename T>
void symmetric_filter_rows(const T* x, int64_t n, int64_t cols, const FilterPhase<T>* phases, int64_t phase_count,
                           int64_t stride, int64_t dilation, T* y, int64_t n_out) {
  for (int64_t i = 0; i < n_out; ++i) {
    for (int64_t p = 0; p < phase_count; ++p) {
      const FilterPhase<T>& phase = phases[p];
      T* __restrict out = y + (i * phase_count + p) * cols;
      const int64_t first = phase.start + stride * i;
      {
        const T* __restrict src = x + symmetric_index(first, n) * cols;
        const T f = phase.taps[0];
        for (int64_t c = 0; c < cols; ++c) out[c] = f * src[c];
      }
      for (int64_t k = 1; k < phase.count; ++k) {
        const T* __restrict src = x + symmetric_index(first + dilation * k, n) * cols;
        const T f = phase.taps[k];
        for (int64_t c = 0; c < cols; ++c) out[c] += f * src[c];
      }
    }
  }
}

template <typename T>
void symmetric_filter_rows_adjoint(const T* y, int64_t n_out, int64_t cols, const FilterPhase<T>* phases,
                                   int64_t phase_count, int64_t stride, int64_t dilation, T* x_grad, int64_t n) {
  for (int64_t i = 0; i < n_out; ++i) {
    for (int64_t p = 0; p < phase_count; ++p) {
      const FilterPhase<T>& phase = phases[p];
      const T* __restrict in = y + (i * phase_count + p) * cols;
      const int64_t first = phase.start + stride * i;
      for (int64_t k = 0; k < phase.count; ++k) {
        T* __restrict dst = x_grad + symmetric_index(first + dilation * k, n) * cols;
        const T f = phase.taps[k];
        for (int64_t c = 0; c < cols; ++c) dst[c] += f * in[c];
      }
    }
  }
}

#define WAVETWIN_INSTANTIATE(T)                                                                                   \
  template void symmetric_filter_rows<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t, int64_t,    \
                                         int64_t, T*, int64_t);                                                  \
  template void symmetric_filter_rows_adjoint<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t,     \
                                                 int64_t, int64_t, T*, int64_t);
WAVETWIN_INSTANTIATE(float)
WAVETWIN_INSTANTIATE(double)
#undef WAVETWIN_INSTANTIATE

}  // namespace wavetwin::wavelets::detail
