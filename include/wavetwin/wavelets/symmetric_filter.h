// wavetwin/wavelets/symmetric_filter.h: polyphase filtering down the rows of an array under half-sample
// symmetric extension, and its adjoint: the one primitive of the DTCWT (dtcwt.h).
//
// A row-major array x of n rows and `cols` columns is read as extended by mirroring about -1/2 and n - 1/2
// (x[-1] = x[0], x[n] = x[n-1], repeated with period 2n: dtcwt's `reflect`, pytorch_wavelets' "symmetric").
// Output row i * P + p of the P phases is the correlation of phase p's taps with rows
//     start_p + stride * i + dilation * k,   k = 0 .. taps_p - 1.
// dtcwt's colfilter is one phase (stride 1), coldfilt two (stride 4, dilation 2), colifilt four (stride 2,
// dilation 2); dtcwt.cpp derives their taps and starts. Along contiguous lines (the width of an image), each
// line is extended once and split into its `stride` polyphase components, so that every tap is again an axpy
// over contiguous memory. Torch-free and compiled at -O3 (wavetwin_kernels).
#pragma once

#include <cstdint>

namespace wavetwin::wavelets::detail {

/// The most taps one phase may have.
constexpr int64_t kMaxPhaseTaps = 64;

/// Row i of the symmetric extension of n rows, as a row of the array (any integer i, n >= 1).
inline int64_t symmetric_index(int64_t i, int64_t n) {
  const int64_t period = 2 * n;
  int64_t m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/// One output phase: `count` taps (correlation order) starting at row `start` of the extended input.
template <typename T>
struct FilterPhase {
  const T* taps;
  int64_t count;
  int64_t start;
};

/// y: (n_out * phase_count, cols), overwritten: y[i * P + p] = sum_k taps_p[k] x_ext[start_p + stride i + dilation k].
template <typename T>
void symmetric_filter_rows(const T* x, int64_t n, int64_t cols, const FilterPhase<T>* phases, int64_t phase_count,
                           int64_t stride, int64_t dilation, T* y, int64_t n_out);

/// x_grad: (n, cols) = (or += with accumulate) the adjoint of symmetric_filter_rows applied to y (mirrored rows
/// fold back).
template <typename T>
void symmetric_filter_rows_adjoint(const T* y, int64_t n_out, int64_t cols, const FilterPhase<T>* phases,
                                   int64_t phase_count, int64_t stride, int64_t dilation, T* x_grad, int64_t n,
                                   bool accumulate);

/// The same along contiguous lines: for each of `lines` lines of x (n samples each, one after the other),
/// y (n_out * phase_count samples per line), overwritten: y[l][i * P + p] = sum_k taps_p[k] x_ext[l][start_p +
/// stride i + dilation k]. `work` holds symmetric_line_work(...) elements.
template <typename T>
void symmetric_filter_lines(const T* x, int64_t n, int64_t lines, const FilterPhase<T>* phases, int64_t phase_count,
                            int64_t stride, int64_t dilation, T* y, int64_t n_out, T* work);

/// x_grad (lines of n samples) = (or += with accumulate) the adjoint of symmetric_filter_lines applied to y.
template <typename T>
void symmetric_filter_lines_adjoint(const T* y, int64_t n_out, int64_t lines, const FilterPhase<T>* phases,
                                    int64_t phase_count, int64_t stride, int64_t dilation, T* x_grad, int64_t n,
                                    T* work, bool accumulate);

/// Scratch elements one call of symmetric_filter_lines(_adjoint) needs.
template <typename T>
int64_t symmetric_line_work(const FilterPhase<T>* phases, int64_t phase_count, int64_t stride, int64_t dilation,
                            int64_t n_out);

}  // namespace wavetwin::wavelets::detail
