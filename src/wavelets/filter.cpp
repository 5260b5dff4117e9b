// src/wavelets/filter.cpp: the filtering primitives of filter.h (torch-free, compiled at -O3).
//
// Both directions reduce to two register-blocked kernels over contiguous memory: fir2 computes two outputs
// from a list of shifted source pointers (one per tap), fir2_adjoint one output from two such lists. Each
// output block is accumulated over every tap in registers and stored once. Strided access along a line is
// contiguous because lines are kept in polyphase layout (filter.h).
#include "wavetwin/wavelets/filter.h"

#include <algorithm>
#include <vector>

namespace wavetwin::wavelets::detail {
namespace {

constexpr int64_t kMaxTaps = 64;

// A 32-byte SIMD vector of T (GCC/Clang vector extension: AVX2 registers where available).
template <typename T>
struct Simd {
  typedef T type __attribute__((vector_size(32)));
  static constexpr int64_t kLanes = 32 / sizeof(T);
};

template <typename T>
inline typename Simd<T>::type load(const T* p) {
  typename Simd<T>::type v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

template <typename T>
inline void store(T* p, const typename Simd<T>::type& v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

// lo[j] = sum_t a[t] src[t][j], hi[j] = sum_t b[t] src[t][j] for blocks of NV vectors, from j on.
template <typename T, int NV>
inline void fir2_blocks(const T* const* src, int64_t taps, const T* a, const T* b, T* lo, T* hi, int64_t& j,
                        int64_t n) {
  using V = typename Simd<T>::type;
  constexpr int64_t L = Simd<T>::kLanes;
  for (; j + NV * L <= n; j += NV * L) {
    V acc_lo[NV] = {};
    V acc_hi[NV] = {};
    for (int64_t t = 0; t < taps; ++t) {
      const T* s = src[t] + j;
      const V at = V{} + a[t];
      const V bt = V{} + b[t];
      for (int q = 0; q < NV; ++q) {
        const V x = load(s + q * L);
        acc_lo[q] += at * x;
        acc_hi[q] += bt * x;
      }
    }
    for (int q = 0; q < NV; ++q) {
      store(lo + j + q * L, acc_lo[q]);
      store(hi + j + q * L, acc_hi[q]);
    }
  }
}

template <typename T>
void fir2(const T* const* src, int64_t taps, const T* a, const T* b, T* lo, T* hi, int64_t n) {
  constexpr int64_t L = Simd<T>::kLanes;
  int64_t j = 0;
  fir2_blocks<T, 4>(src, taps, a, b, lo, hi, j, n);
  fir2_blocks<T, 2>(src, taps, a, b, lo, hi, j, n);
  fir2_blocks<T, 1>(src, taps, a, b, lo, hi, j, n);
  if (j < n && n >= L) {
    // The last partial block again as a full block ending at n: it rewrites a few outputs with equal values.
    j = n - L;
    fir2_blocks<T, 1>(src, taps, a, b, lo, hi, j, n);
  }
  for (; j < n; ++j) {
    T acc_lo = 0, acc_hi = 0;
    for (int64_t t = 0; t < taps; ++t) {
      acc_lo += a[t] * src[t][j];
      acc_hi += b[t] * src[t][j];
    }
    lo[j] = acc_lo;
    hi[j] = acc_hi;
  }
}

// out[j] (+)= sum_t a[t] lo[t][j] + b[t] hi[t][j] for blocks of NV vectors, from j on.
// `shift` offsets the reads relative to the writes (the tail block reads at n - L, writes at 0).
template <typename T, int NV>
inline void fir2_adjoint_blocks(const T* const* lo, const T* const* hi, int64_t count, const T* a, const T* b,
                                T* out, bool accumulate, int64_t& j, int64_t n, int64_t shift = 0) {
  using V = typename Simd<T>::type;
  constexpr int64_t L = Simd<T>::kLanes;
  for (; j + NV * L <= n; j += NV * L) {
    V acc[NV] = {};
    for (int64_t t = 0; t < count; ++t) {
      const V at = V{} + a[t];
      const V bt = V{} + b[t];
      for (int q = 0; q < NV; ++q) {
        acc[q] += at * load(lo[t] + shift + j + q * L) + bt * load(hi[t] + shift + j + q * L);
      }
    }
    for (int q = 0; q < NV; ++q) store(out + j + q * L, accumulate ? load(out + j + q * L) + acc[q] : acc[q]);
  }
}

template <typename T>
void fir2_adjoint(const T* const* lo, const T* const* hi, int64_t count, const T* a, const T* b, T* out,
                  bool accumulate, int64_t n) {
  constexpr int64_t L = Simd<T>::kLanes;
  int64_t j = 0;
  fir2_adjoint_blocks<T, 4>(lo, hi, count, a, b, out, accumulate, j, n);
  fir2_adjoint_blocks<T, 2>(lo, hi, count, a, b, out, accumulate, j, n);
  fir2_adjoint_blocks<T, 1>(lo, hi, count, a, b, out, accumulate, j, n);
  if (j < n && n >= L) {
    // The last partial block as a full block ending at n, added only where not added before.
    T tail[L];
    int64_t start = 0;
    fir2_adjoint_blocks<T, 1>(lo, hi, count, a, b, tail, false, start, L, n - L);
    for (int64_t u = j - (n - L); u < L; ++u) out[n - L + u] = accumulate ? out[n - L + u] + tail[u] : tail[u];
    j = n;
  }
  for (; j < n; ++j) {
    T acc = 0;
    for (int64_t t = 0; t < count; ++t) acc += a[t] * lo[t][j] + b[t] * hi[t][j];
    out[j] = accumulate ? out[j] + acc : acc;
  }
}


}  // namespace

template <typename T>
void analysis_line(const T* x, int64_t n, int64_t phases, int64_t lines, int64_t x_step, const T* f_lo,
                   const T* f_hi, int64_t taps, int64_t stride, int64_t dilation, T* lo, T* hi, int64_t n_out,
                   int64_t out_step) {
  // Output component p' holds y[q' m + p'] = sum_k f[k] x[s (q' m + p') + d k], and with t = s p' + d k
  // that sample is x[q m + t] = component (t % q) at position m + t / q.
  const int64_t out_phases = phases / stride;
  const int64_t in_capacity = phase_capacity(n, phases), out_capacity = phase_capacity(n_out, out_phases);
  int64_t offset[kMaxTaps];
  const T* src[kMaxTaps];
  for (int64_t p = 0; p < out_phases && p < n_out; ++p) {
    for (int64_t k = 0; k < taps; ++k) {
      const int64_t t = stride * p + dilation * k;
      offset[k] = (t % phases) * in_capacity + t / phases;
    }
    const int64_t count = (n_out - p + out_phases - 1) / out_phases;
    for (int64_t l = 0; l < lines; ++l) {
      for (int64_t k = 0; k < taps; ++k) src[k] = x + l * x_step + offset[k];
      fir2(src, taps, f_lo, f_hi, lo + l * out_step + p * out_capacity, hi + l * out_step + p * out_capacity, count);
    }
  }
}

template <typename T>
void analysis_line_adjoint(const T* lo, const T* hi, int64_t n_out, int64_t out_step, int64_t phases,
                           int64_t lines, const T* f_lo, const T* f_hi, int64_t taps, int64_t stride,
                           int64_t dilation, T* x_grad, int64_t n, int64_t x_step, T* scratch) {
  // Input component p gathers, at position m, f[k] y_{p'}[m - t / q] for every (p', k) with
  // t = s p' + d k and t % q = p. Each output component is copied between zero margins so that every
  // shifted read stays in bounds.
  const int64_t out_phases = phases / stride;
  const int64_t in_capacity = phase_capacity(n, phases), out_capacity = phase_capacity(n_out, out_phases);
  const int64_t margin = (stride * (out_phases - 1) + dilation * (taps - 1)) / phases + 1;
  const int64_t padded = margin + std::max(in_capacity, out_capacity);
  T* lo_pad = scratch;
  T* hi_pad = scratch + out_phases * padded;
  std::fill(scratch, scratch + 2 * out_phases * padded, T(0));
  // Which (output component, tap) pairs feed each input component: the same for every line, so found once.
  struct Feed {
    int64_t count = 0;
    int64_t offset[kMaxTaps * 2];  // into the padded copies: component q's start + margin - t / q
    T a[kMaxTaps * 2], b[kMaxTaps * 2];
  };
  std::vector<Feed> feeds(std::min(phases, n));
  for (int64_t p = 0; p < static_cast<int64_t>(feeds.size()); ++p) {
    Feed& feed = feeds[p];
    for (int64_t q = 0; q < out_phases; ++q) {
      for (int64_t k = 0; k < taps; ++k) {
        const int64_t t = stride * q + dilation * k;
        if (t % phases != p) continue;
        feed.offset[feed.count] = q * padded + margin - t / phases;
        feed.a[feed.count] = f_lo[k];
        feed.b[feed.count] = f_hi[k];
        ++feed.count;
      }
    }
  }
  const T* lo_src[kMaxTaps * 2];
  const T* hi_src[kMaxTaps * 2];
  for (int64_t l = 0; l < lines; ++l) {
    for (int64_t p = 0; p < out_phases && p < n_out; ++p) {
      const int64_t count = (n_out - p + out_phases - 1) / out_phases;
      const T* lo_line = lo + l * out_step + p * out_capacity;
      const T* hi_line = hi + l * out_step + p * out_capacity;
      std::copy(lo_line, lo_line + count, lo_pad + p * padded + margin);
      std::copy(hi_line, hi_line + count, hi_pad + p * padded + margin);
    }
    for (int64_t p = 0; p < static_cast<int64_t>(feeds.size()); ++p) {
      const Feed& feed = feeds[p];
      for (int64_t i = 0; i < feed.count; ++i) {
        lo_src[i] = lo_pad + feed.offset[i];
        hi_src[i] = hi_pad + feed.offset[i];
      }
      fir2_adjoint(lo_src, hi_src, feed.count, feed.a, feed.b, x_grad + l * x_step + p * in_capacity, true,
                   (n - p + phases - 1) / phases);
    }
  }
}

template <typename T>
void analysis_rows(const T* x, int64_t /*n*/, int64_t cols, const T* f_lo, const T* f_hi, int64_t taps,
                   int64_t stride, int64_t dilation, T* lo, T* hi, int64_t n_out) {
  const T* src[kMaxTaps];
  for (int64_t i = 0; i < n_out; ++i) {
    for (int64_t k = 0; k < taps; ++k) src[k] = x + (stride * i + dilation * k) * cols;
    fir2(src, taps, f_lo, f_hi, lo + i * cols, hi + i * cols, cols);
  }
}

template <typename T>
void analysis_rows_adjoint(const T* lo, const T* hi, int64_t n_out, int64_t cols, const T* f_lo,
                           const T* f_hi, int64_t taps, int64_t stride, int64_t dilation, T* x_grad,
                           int64_t n) {
  // Row m of x_grad gathers the output rows i with s*i + d*k = m for some tap k.
  const T* lo_src[kMaxTaps];
  const T* hi_src[kMaxTaps];
  T a[kMaxTaps], b[kMaxTaps];
  for (int64_t m = 0; m < n; ++m) {
    int64_t count = 0;
    for (int64_t k = 0; k < taps; ++k) {
      const int64_t rest = m - dilation * k;
      if (rest < 0 || rest % stride != 0 || rest / stride >= n_out) continue;
      lo_src[count] = lo + (rest / stride) * cols;
      hi_src[count] = hi + (rest / stride) * cols;
      a[count] = f_lo[k];
      b[count] = f_hi[k];
      ++count;
    }
    if (count > 0) fir2_adjoint(lo_src, hi_src, count, a, b, x_grad + m * cols, true, cols);
  }
}

#define WAVETWIN_INSTANTIATE(T)                                                                         \
  template void analysis_line<T>(const T*, int64_t, int64_t, int64_t, int64_t, const T*, const T*,     \
                                 int64_t, int64_t, int64_t, T*, T*, int64_t, int64_t);                 \
  template void analysis_line_adjoint<T>(const T*, const T*, int64_t, int64_t, int64_t, int64_t,       \
                                         const T*, const T*, int64_t, int64_t, int64_t, T*, int64_t,   \
                                         int64_t, T*);                                                 \
  template void analysis_rows<T>(const T*, int64_t, int64_t, const T*, const T*, int64_t, int64_t,     \
                                 int64_t, T*, T*, int64_t);                                            \
  template void analysis_rows_adjoint<T>(const T*, const T*, int64_t, int64_t, const T*, const T*,     \
                                         int64_t, int64_t, int64_t, T*, int64_t);
WAVETWIN_INSTANTIATE(float)
WAVETWIN_INSTANTIATE(double)
#undef WAVETWIN_INSTANTIATE

}  // namespace wavetwin::wavelets::detail
