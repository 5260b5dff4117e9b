// src/wavelets/symmetric_filter.cpp: the kernels of symmetric_filter.h (torch-free, compiled at -O3).
//
// Every output row is an axpy chain over whole input rows, so the inner loops run along contiguous columns
// and vectorise; the extension costs nothing but an index per tap.
#include "wavetwin/wavelets/symmetric_filter.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace wavetwin::wavelets::detail {

namespace {

// A 32-byte SIMD vector of T (GCC/Clang vector extension: AVX2 registers where available).
template <typename T>
struct Simd {
  typedef T type __attribute__((vector_size(32)));
  static constexpr int64_t kLanes = 32 / sizeof(T);
};

// out[c] (+)= sum_k f[k] src[k][c] for c in [c, cols), NV vectors at a time kept in registers across taps.
template <typename T, int NV, bool kAdd>
void correlate_blocks(const T* const* src, const T* f, int64_t taps, T* out, int64_t& c, int64_t cols) {
  using V = typename Simd<T>::type;
  constexpr int64_t L = Simd<T>::kLanes;
  for (; c + NV * L <= cols; c += NV * L) {
    V acc[NV] = {};
    if (kAdd) __builtin_memcpy(acc, out + c, sizeof(acc));
    for (int64_t k = 0; k < taps; ++k) {
      const V fk = V{} + f[k];
      for (int q = 0; q < NV; ++q) {
        V v;
        __builtin_memcpy(&v, src[k] + c + q * L, sizeof(V));
        acc[q] += fk * v;
      }
    }
    __builtin_memcpy(out + c, acc, sizeof(acc));
  }
}

// The extended span the phases read: [first, last] in extended coordinates.
template <typename T>
std::pair<int64_t, int64_t> span(const FilterPhase<T>* phases, int64_t phase_count, int64_t stride, int64_t dilation,
                                 int64_t n_out) {
  int64_t first = phases[0].start, last = phases[0].start;
  for (int64_t p = 0; p < phase_count; ++p) {
    first = std::min(first, phases[p].start);
    last = std::max(last, phases[p].start + stride * (n_out - 1) + dilation * (phases[p].count - 1));
  }
  return {first, last};
}

template <typename T, bool kAdd>
void correlate(const T* const* src, const T* f, int64_t taps, T* out, int64_t cols) {
  int64_t c = 0;
  correlate_blocks<T, 4, kAdd>(src, f, taps, out, c, cols);
  correlate_blocks<T, 1, kAdd>(src, f, taps, out, c, cols);
  for (; c < cols; ++c) {
    T acc = kAdd ? out[c] : T(0);
    for (int64_t k = 0; k < taps; ++k) acc += f[k] * src[k][c];
    out[c] = acc;
  }
}

}  // namespace

template <typename T>
void symmetric_filter_rows(const T* x, int64_t n, int64_t cols, const FilterPhase<T>* phases, int64_t phase_count,
                           int64_t stride, int64_t dilation, T* y, int64_t n_out) {
  const T* src[kMaxPhaseTaps];
  for (int64_t i = 0; i < n_out; ++i) {
    for (int64_t p = 0; p < phase_count; ++p) {
      const FilterPhase<T>& phase = phases[p];
      T* out = y + (i * phase_count + p) * cols;
      const int64_t first = phase.start + stride * i;
      for (int64_t k = 0; k < phase.count; ++k) src[k] = x + symmetric_index(first + dilation * k, n) * cols;
      correlate<T, false>(src, phase.taps, phase.count, out, cols);
    }
  }
}

template <typename T>
void symmetric_filter_rows_adjoint(const T* y, int64_t n_out, int64_t cols, const FilterPhase<T>* phases,
                                   int64_t phase_count, int64_t stride, int64_t dilation, T* x_grad, int64_t n,
                                   bool accumulate) {
  // Gathered per row of the extension: extended row e receives taps_p[k] y[i * P + p] wherever
  // start_p + stride i + dilation k = e, summed in registers; rows outside [0, n) then fold back onto the row
  // they mirror.
  const auto [first, last] = span(phases, phase_count, stride, dilation, n_out);
  std::vector<T> margin(cols);
  std::vector<const T*> src;
  std::vector<T> coefficients;
  const auto gather = [&](int64_t e) {
    src.clear();
    coefficients.clear();
    for (int64_t p = 0; p < phase_count; ++p) {
      for (int64_t k = 0; k < phases[p].count; ++k) {
        const int64_t offset = e - phases[p].start - dilation * k;
        if (offset < 0 || offset % stride != 0 || offset / stride >= n_out) continue;
        src.push_back(y + (offset / stride * phase_count + p) * cols);
        coefficients.push_back(phases[p].taps[k]);
      }
    }
    return static_cast<int64_t>(src.size());
  };
  for (int64_t e = 0; e < n; ++e) {
    T* row = x_grad + e * cols;
    const int64_t terms = e >= first && e <= last ? gather(e) : 0;
    if (terms == 0) {
      if (!accumulate) std::fill(row, row + cols, T(0));
    } else if (accumulate) {
      correlate<T, true>(src.data(), coefficients.data(), terms, row, cols);
    } else {
      correlate<T, false>(src.data(), coefficients.data(), terms, row, cols);
    }
  }
  for (int64_t e = first; e <= last; ++e) {
    if (e >= 0 && e < n) continue;
    const int64_t terms = gather(e);
    if (terms == 0) continue;
    correlate<T, false>(src.data(), coefficients.data(), terms, margin.data(), cols);
    T* target = x_grad + symmetric_index(e, n) * cols;
    for (int64_t c = 0; c < cols; ++c) target[c] += margin[c];
  }
}

namespace {

// Where tap k of a phase starts in the polyphase components of the extended line (capacity `cap` each).
template <typename T>
int64_t component_offset(const FilterPhase<T>& phase, int64_t k, int64_t first, int64_t stride, int64_t dilation,
                         int64_t cap) {
  const int64_t t = phase.start - first + dilation * k;
  return (t % stride) * cap + t / stride;
}

}  // namespace

// Splits the extended line (samples first .. last of x's symmetric extension) into `stride` components of
// `cap` samples: the interior as plain strided copies, only the margins through symmetric_index.
template <typename T>
void split_line(const T* line, int64_t n, int64_t first, int64_t last, int64_t stride, int64_t cap, T* components) {
  for (int64_t r = 0; r < stride; ++r) {
    T* __restrict component = components + r * cap;
    const int64_t count = (last - first - r) / stride + 1;
    const int64_t begin = std::min(count, std::max<int64_t>(0, (-(first + r) + stride - 1) / stride));
    const int64_t end = std::max(begin, std::min(count, (n - 1 - first - r) / stride + 1));
    for (int64_t j = 0; j < begin; ++j) component[j] = line[symmetric_index(first + r + stride * j, n)];
    const T* __restrict source = line + first + r;
    if (stride == 1) {
      std::copy(source + begin, source + end, component + begin);
    } else {
      for (int64_t j = begin; j < end; ++j) component[j] = source[stride * j];
    }
    for (int64_t j = end; j < count; ++j) component[j] = line[symmetric_index(first + r + stride * j, n)];
  }
}

// The adjoint of split_line: each component sample added back onto the sample it was read from (assigned
// instead where `accumulate` is false, the interior first, so that the margins then fold onto it).
template <typename T>
void fold_line(const T* components, int64_t n, int64_t first, int64_t last, int64_t stride, int64_t cap, T* line,
               bool accumulate) {
  if (!accumulate && (first > 0 || last < n - 1)) std::fill(line, line + n, T(0));
  const bool assign = !accumulate && first <= 0 && last >= n - 1;
  const auto bounds = [&](int64_t r) {
    const int64_t count = (last - first - r) / stride + 1;
    const int64_t begin = std::min(count, std::max<int64_t>(0, (-(first + r) + stride - 1) / stride));
    return std::array<int64_t, 3>{count, begin, std::max(begin, std::min(count, (n - 1 - first - r) / stride + 1))};
  };
  for (int64_t r = 0; r < stride; ++r) {
    const auto [count, begin, end] = bounds(r);
    const T* __restrict component = components + r * cap;
    T* __restrict target = line + first + r;
    if (assign && stride == 1) {
      std::copy(component + begin, component + end, target + begin);
    } else if (stride == 1) {
      for (int64_t j = begin; j < end; ++j) target[j] += component[j];
    } else if (assign) {
      for (int64_t j = begin; j < end; ++j) target[stride * j] = component[j];
    } else {
      for (int64_t j = begin; j < end; ++j) target[stride * j] += component[j];
    }
  }
  for (int64_t r = 0; r < stride; ++r) {
    const auto [count, begin, end] = bounds(r);
    const T* component = components + r * cap;
    for (int64_t j = 0; j < begin; ++j) line[symmetric_index(first + r + stride * j, n)] += component[j];
    for (int64_t j = end; j < count; ++j) line[symmetric_index(first + r + stride * j, n)] += component[j];
  }
}

template <typename T>
int64_t symmetric_line_work(const FilterPhase<T>* phases, int64_t phase_count, int64_t stride, int64_t dilation,
                            int64_t n_out) {
  const auto [first, last] = span(phases, phase_count, stride, dilation, n_out);
  const int64_t cap = (last - first) / stride + 1;
  return stride * cap + std::max(n_out, phase_count * (n_out + 2 * cap));
}

template <typename T>
void symmetric_filter_lines(const T* x, int64_t n, int64_t lines, const FilterPhase<T>* phases, int64_t phase_count,
                            int64_t stride, int64_t dilation, T* y, int64_t n_out, T* work) {
  const auto [first, last] = span(phases, phase_count, stride, dilation, n_out);
  const int64_t cap = (last - first) / stride + 1;
  T* components = work;
  T* acc = work + stride * cap;
  const T* src[kMaxPhaseTaps];
  for (int64_t l = 0; l < lines; ++l) {
    const T* line = x + l * n;
    T* out = y + l * n_out * phase_count;
    split_line(line, n, first, last, stride, cap, components);
    for (int64_t p = 0; p < phase_count; ++p) {
      const FilterPhase<T>& phase = phases[p];
      for (int64_t k = 0; k < phase.count; ++k) {
        src[k] = components + component_offset(phase, k, first, stride, dilation, cap);
      }
      if (phase_count == 1) {
        correlate<T, false>(src, phase.taps, phase.count, out, n_out);
        continue;
      }
      correlate<T, false>(src, phase.taps, phase.count, acc, n_out);
      for (int64_t i = 0; i < n_out; ++i) out[i * phase_count + p] = acc[i];
    }
  }
}

template <typename T>
void symmetric_filter_lines_adjoint(const T* y, int64_t n_out, int64_t lines, const FilterPhase<T>* phases,
                                    int64_t phase_count, int64_t stride, int64_t dilation, T* x_grad, int64_t n,
                                    T* work, bool accumulate) {
  // Component r of the extended line gathers taps_p[k] g_p[j - q] over the taps whose offset t = q stride + r;
  // each phase's g sits in a zero-padded copy so that every such term runs over the whole component.
  const auto [first, last] = span(phases, phase_count, stride, dilation, n_out);
  const int64_t cap = (last - first) / stride + 1, padded = n_out + 2 * cap;
  T* components = work;
  T* gathered = work + stride * cap;
  std::fill(gathered, gathered + phase_count * padded, T(0));
  // Per component: the sources and taps of its terms (fixed positions in `gathered`, the same for every line).
  std::vector<std::vector<const T*>> src(stride);
  std::vector<std::vector<T>> coefficients(stride);
  for (int64_t p = 0; p < phase_count; ++p) {
    for (int64_t k = 0; k < phases[p].count; ++k) {
      const int64_t t = phases[p].start - first + dilation * k;
      src[t % stride].push_back(gathered + p * padded + cap - t / stride);
      coefficients[t % stride].push_back(phases[p].taps[k]);
    }
  }
  for (int64_t l = 0; l < lines; ++l) {
    const T* in = y + l * n_out * phase_count;
    if (phase_count == 1) std::copy(in, in + n_out, gathered + cap);
    for (int64_t p = 0; p < phase_count && phase_count > 1; ++p) {
      T* g = gathered + p * padded + cap;
      for (int64_t i = 0; i < n_out; ++i) g[i] = in[i * phase_count + p];
    }
    for (int64_t r = 0; r < stride; ++r) {
      T* component = components + r * cap;
      if (src[r].empty()) {
        std::fill(component, component + cap, T(0));
      } else {
        correlate<T, false>(src[r].data(), coefficients[r].data(), static_cast<int64_t>(src[r].size()), component, cap);
      }
    }
    fold_line(components, n, first, last, stride, cap, x_grad + l * n, accumulate);
  }
}

#define WAVETWIN_INSTANTIATE(T)                                                                                   \
  template void symmetric_filter_rows<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t, int64_t,    \
                                         int64_t, T*, int64_t);                                                  \
  template void symmetric_filter_rows_adjoint<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t,     \
                                                 int64_t, int64_t, T*, int64_t, bool);                           \
  template void symmetric_filter_lines<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t, int64_t,   \
                                          int64_t, T*, int64_t, T*);                                             \
  template void symmetric_filter_lines_adjoint<T>(const T*, int64_t, int64_t, const FilterPhase<T>*, int64_t,    \
                                                  int64_t, int64_t, T*, int64_t, T*, bool);                      \
  template int64_t symmetric_line_work<T>(const FilterPhase<T>*, int64_t, int64_t, int64_t, int64_t);
WAVETWIN_INSTANTIATE(float)
WAVETWIN_INSTANTIATE(double)
#undef WAVETWIN_INSTANTIATE

}  // namespace wavetwin::wavelets::detail
