// src/wavelets/dual_tree.cpp: the dual-tree packet recursion of dual_tree.h (torch-free, compiled at -O3).
#include "dual_tree.h"

#include <algorithm>
#include <utility>

#include "wavetwin/wavelets/filter.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets::detail {
namespace {

// Work of line_tree: two ping-pong level buffers, then the adjoint's scratch for the largest stage.
struct LineLayout {
  int64_t level = 0;
  int64_t scratch = 0;
};

LineLayout line_layout(const AxisGeometry& g, int64_t lines) {
  LineLayout layout;
  for (size_t j = 1; j < g.length.size(); ++j) {
    layout.level = std::max(layout.level, (int64_t{2} << j) * lines * g.slot(j));
    layout.scratch = std::max(layout.scratch, line_scratch_size(g.length[j - 1], g.length[j], g.phases[j - 1],
                                                                g.taps[j - 1], g.stride[j - 1], g.dilation[j - 1]));
  }
  return layout;
}

// Psi_a = (D11 - D22) + i (D21 + D12), Psi_b = (D11 + D22) + i (D21 - D12), Im times the conjugation signs.
template <typename T>
void recombine(const T* __restrict d11, const T* __restrict d12, const T* __restrict d21, const T* __restrict d22,
               T sign_a, T sign_b, T* __restrict re_a, T* __restrict im_a, T* __restrict re_b, T* __restrict im_b,
               int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    re_a[c] = d11[c] - d22[c];
    im_a[c] = sign_a * (d21[c] + d12[c]);
    re_b[c] = d11[c] + d22[c];
    im_b[c] = sign_b * (d21[c] - d12[c]);
  }
}

// The real parts alone: Re Psi_a = D11 - D22, Re Psi_b = D11 + D22.
template <typename T>
void recombine_real(const T* __restrict d11, const T* __restrict d22, T* __restrict re_a, T* __restrict re_b,
                    int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    re_a[c] = d11[c] - d22[c];
    re_b[c] = d11[c] + d22[c];
  }
}

template <typename T>
void recombine_real_adjoint(const T* __restrict re_a, const T* __restrict re_b, T* __restrict d11,
                            T* __restrict d22, int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    d11[c] = re_a[c] + re_b[c];
    d22[c] = re_b[c] - re_a[c];
  }
}

// The adjoint of recombine: gradients of D11, D12, D21, D22 from those of Psi_a and Psi_b.
template <typename T>
void recombine_adjoint(const T* __restrict re_a, const T* __restrict im_a, const T* __restrict re_b,
                       const T* __restrict im_b, T sign_a, T sign_b, T* __restrict d11, T* __restrict d12,
                       T* __restrict d21, T* __restrict d22, int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    const T ia = sign_a * im_a[c];
    const T ib = sign_b * im_b[c];
    d11[c] = re_a[c] + re_b[c];
    d22[c] = re_b[c] - re_a[c];
    d21[c] = ia + ib;
    d12[c] = ia - ib;
  }
}

// Copies the n samples of each of `rows` rows (row stride `from`) into polyphase order (row stride `to`),
// zero-filling the unused slots; or back, when `inverse`.
template <typename T>
void reorder_columns(const T* in, T* out, int64_t rows, int64_t n, int64_t phases, int64_t from, int64_t to,
                     bool inverse) {
  const int64_t capacity = phase_capacity(n, phases);
  for (int64_t r = 0; r < rows; ++r) {
    const T* src = in + r * from;
    T* dst = out + r * to;
    for (int64_t p = 0; p < phases; ++p) {
      for (int64_t m = 0; m < capacity; ++m) {
        const int64_t i = phases * m + p;
        if (inverse) {
          if (i < n) dst[i] = src[p * capacity + m];
        } else {
          dst[p * capacity + m] = i < n ? src[i] : T(0);
        }
      }
    }
  }
}

}  // namespace

int64_t AxisGeometry::slot(size_t j) const { return phased_size(length[j], phases[j]); }

AxisGeometry axis_geometry(int64_t length, int64_t levels, int64_t stride, int64_t taps) {
  int64_t decimated = 0;
  while ((int64_t{1} << decimated) < stride) ++decimated;
  AxisGeometry g;
  g.length.push_back(length);
  g.phases.push_back(int64_t{1} << std::min(decimated, levels));
  for (int64_t j = 0; j < levels; ++j) {
    const bool strided = j < decimated;
    g.stride.push_back(strided ? 2 : 1);
    g.dilation.push_back(strided ? 1 : int64_t{1} << (j - decimated));
    g.taps.push_back(j == 0 ? taps + 2 : taps);
    g.length.push_back(stage_output_length(g.length.back(), g.taps.back(), g.stride.back(), g.dilation.back()));
    g.phases.push_back(g.phases.back() / g.stride.back());
  }
  return g;
}

int64_t equivalent_length(int64_t levels, int64_t stride, int64_t taps) {
  const AxisGeometry g = axis_geometry(0, levels, stride, taps);
  int64_t length = 1;
  int64_t step = 1;
  for (int64_t j = 0; j < levels; ++j) {
    length += step * g.dilation[j] * (g.taps[j] - 1);
    step *= g.stride[j];
  }
  return length;
}

template <typename T>
DualTreeBank<T> make_bank(const double* h1, const double* h2, const double* g1, const double* g2, int64_t taps) {
  DualTreeBank<T> bank;
  bank.taps = taps;
  auto copy = [taps](const double* f, int64_t delay, double sign, int64_t length) {
    std::vector<T> out(length, T(0));
    for (int64_t k = 0; k < taps; ++k) out[k + delay] = static_cast<T>(sign * f[k]);
    return out;
  };
  // First stage: both trees use tree-1 filters, one sample apart (reference-system.md 1.2).
  bank.lo[kFirst1] = copy(h1, 2, 1.0, taps + 2);
  bank.hi[kFirst1] = copy(g1, 0, 1.0, taps + 2);
  bank.lo[kFirst2] = copy(h1, 1, 1.0, taps + 2);
  bank.hi[kFirst2] = copy(g1, 1, -1.0, taps + 2);
  bank.lo[kQ1] = copy(h1, 0, 1.0, taps);
  bank.hi[kQ1] = copy(g1, 0, 1.0, taps);
  bank.lo[kQ2] = copy(h2, 0, 1.0, taps);
  bank.hi[kQ2] = copy(g2, 0, 1.0, taps);
  return bank;
}

template <typename T>
DualTreeEngine<T>::DualTreeEngine(DualTreeBank<T> bank, int64_t levels, int64_t stride)
    : bank_(std::move(bank)), levels_(levels), stride_(stride) {
  pair_.resize(levels);
  pair_[0] = {kFirst1, kFirst2};
  for (int64_t j = 1; j < levels; ++j) {
    pair_[j].resize(int64_t{2} << j);
    for (int64_t q = 0; q < (int64_t{2} << j); ++q) pair_[j][q] = successor_pair(pair_[j - 1][q >> 1], q & 1);
  }
}

template <typename T>
int64_t DualTreeEngine<T>::line_work(const AxisGeometry& g, int64_t lines) const {
  const LineLayout layout = line_layout(g, lines);
  return 2 * layout.level + layout.scratch;
}

template <typename T>
void DualTreeEngine<T>::line_tree(const T* x, int64_t lines, int64_t x_step, const AxisGeometry& g, T* out,
                                  T* work, int tree) const {
  const int64_t level_size = line_layout(g, lines).level;
  T* buffers[2] = {work, work + level_size};
  const T* previous = x;
  for (int64_t j = 1; j <= levels_; ++j) {
    T* current = j == levels_ ? out : buffers[j & 1];
    const int64_t in_slot = g.slot(j - 1), out_slot = g.slot(j);
    const int64_t in_step = j == 1 ? x_step : in_slot;
    for (int64_t q = 0; q < (int64_t{1} << j); ++q) {
      if (tree != kBothTrees && (q >> (j - 1)) != tree) continue;
      const int pair = pair_[j - 1][q];
      const T* parent = j == 1 ? x : previous + q * lines * in_slot;
      analysis_line(parent, g.length[j - 1], g.phases[j - 1], lines, in_step, bank_.lo[pair].data(),
                    bank_.hi[pair].data(), g.taps[j - 1], g.stride[j - 1], g.dilation[j - 1],
                    current + 2 * q * lines * out_slot, current + (2 * q + 1) * lines * out_slot, g.length[j],
                    out_slot);
    }
    previous = current;
  }
}

template <typename T>
void DualTreeEngine<T>::line_tree_adjoint(const T* grad, int64_t lines, int64_t x_step, const AxisGeometry& g,
                                          T* x_grad, T* work, int tree) const {
  const LineLayout layout = line_layout(g, lines);
  T* buffers[2] = {work, work + layout.level};
  T* scratch = work + 2 * layout.level;
  for (int64_t l = 0; l < lines; ++l) std::fill(x_grad + l * x_step, x_grad + l * x_step + g.slot(0), T(0));
  const T* children = grad;
  for (int64_t j = levels_; j >= 1; --j) {
    const int64_t in_slot = g.slot(j - 1), out_slot = g.slot(j);
    const int64_t in_step = j == 1 ? x_step : in_slot;
    T* parents = j == 1 ? x_grad : buffers[(j - 1) & 1];
    if (j > 1) std::fill(parents, parents + (int64_t{1} << j) * lines * in_slot, T(0));
    for (int64_t q = 0; q < (int64_t{1} << j); ++q) {
      if (tree != kBothTrees && (q >> (j - 1)) != tree) continue;
      const int pair = pair_[j - 1][q];
      T* parent = j == 1 ? x_grad : parents + q * lines * in_slot;
      analysis_line_adjoint(children + 2 * q * lines * out_slot, children + (2 * q + 1) * lines * out_slot,
                            g.length[j], out_slot, g.phases[j - 1], lines, bank_.lo[pair].data(),
                            bank_.hi[pair].data(), g.taps[j - 1], g.stride[j - 1], g.dilation[j - 1], parent,
                            g.length[j - 1], in_step, scratch);
    }
    children = parents;
  }
}

// Work: the reordered image, two row-stage buffers, the leaves of the two maps of one row path, the line
// work for all rows of a map.
template <typename T>
typename DualTreeEngine<T>::ImageLayout DualTreeEngine<T>::image_layout(int64_t hp, int64_t wp, T* work) const {
  ImageLayout l;
  l.rows = axis_geometry(hp, levels_, stride_, bank_.taps);
  l.cols = axis_geometry(wp, levels_, stride_, bank_.taps);
  l.width = l.cols.slot(0);
  for (int64_t j = 1; j <= levels_; ++j) l.level = std::max(l.level, (int64_t{2} << j) * l.rows.length[j] * l.width);
  l.ho = l.rows.length[levels_];
  l.wo = l.cols.length[levels_];
  l.plane = l.ho * l.wo;
  const int64_t leaves = (int64_t{2} << levels_) * l.plane;
  l.buffers = hp * l.width + 2 * l.level + 2 * leaves;
  if (work != nullptr) {
    l.image = work;
    l.stages[0] = l.image + hp * l.width;
    l.stages[1] = l.stages[0] + l.level;
    l.leaves[0] = l.stages[1] + l.level;
    l.leaves[1] = l.leaves[0] + leaves;
    l.line_work = l.leaves[1] + leaves;
  }
  return l;
}

template <typename T>
int64_t DualTreeEngine<T>::workspace_2d(int64_t hp, int64_t wp) const {
  const ImageLayout l = image_layout(hp, wp);
  return l.buffers + line_work(l.cols, l.ho);
}

template <typename T>
const T* DualTreeEngine<T>::row_stages(const ImageLayout& l) const {
  const int64_t cols = l.width;
  const T* previous = l.image;
  for (int64_t j = 1; j <= levels_; ++j) {
    T* current = l.stages[j & 1];
    const int64_t n_in = l.rows.length[j - 1];
    const int64_t n_out = l.rows.length[j];
    for (int64_t q = 0; q < (int64_t{1} << j); ++q) {
      const int pair = pair_[j - 1][q];
      const T* parent = j == 1 ? l.image : previous + q * n_in * cols;
      analysis_rows(parent, n_in, cols, bank_.lo[pair].data(), bank_.hi[pair].data(), l.rows.taps[j - 1],
                    l.rows.stride[j - 1], l.rows.dilation[j - 1], current + 2 * q * n_out * cols,
                    current + (2 * q + 1) * n_out * cols, n_out);
    }
    previous = current;
  }
  return previous;
}

template <typename T>
void DualTreeEngine<T>::forward_2d(const T* x, int64_t hp, int64_t wp, T* out, T* work, bool real_only) const {
  const ImageLayout l = image_layout(hp, wp, work);
  const int64_t paths = int64_t{1} << levels_, per_tree = paths * paths, plane = l.plane;
  reorder_columns(x, l.image, hp, wp, l.cols.phases[0], wp, l.width, false);
  // All stages down the rows: 2 * 2^J maps (ho, width) in [tree][path] order.
  const T* maps = row_stages(l);
  // All stages along the rows of the two maps of each row path v, then the complex recombination of
  // reference-system.md 1.6. The real parts need only D11 and D22: the column tree equal to the row tree.
  for (int64_t v = 0; v < paths; ++v) {
    for (int64_t tv = 0; tv < 2; ++tv) {
      line_tree(maps + (tv * paths + v) * l.ho * l.width, l.ho, l.width, l.cols, l.leaves[tv], l.line_work,
                real_only ? static_cast<int>(tv) : kBothTrees);
    }
    for (int64_t u = 0; u < paths; ++u) {
      const int64_t code = make_code(v, u, levels_);
      if (real_only) {
        recombine_real(l.leaves[0] + u * plane, l.leaves[1] + (paths + u) * plane, out + code * plane,
                       out + (per_tree + code) * plane, plane);
        continue;
      }
      recombine(l.leaves[0] + u * plane, l.leaves[0] + (paths + u) * plane, l.leaves[1] + u * plane,
                l.leaves[1] + (paths + u) * plane, conjugated_2d(code, levels_) ? T(-1) : T(1),
                conjugated_2d(per_tree + code, levels_) ? T(-1) : T(1), out + (2 * code) * plane,
                out + (2 * code + 1) * plane, out + (2 * (per_tree + code)) * plane,
                out + (2 * (per_tree + code) + 1) * plane, plane);
    }
  }
}

template <typename T>
void DualTreeEngine<T>::adjoint_2d(const T* grad, int64_t hp, int64_t wp, T* x_grad, T* work,
                                   bool real_only) const {
  const ImageLayout l = image_layout(hp, wp, work);
  const int64_t paths = int64_t{1} << levels_, per_tree = paths * paths, plane = l.plane;
  T* children = l.stages[levels_ & 1];
  for (int64_t v = 0; v < paths; ++v) {
    for (int64_t u = 0; u < paths; ++u) {
      const int64_t code = make_code(v, u, levels_);
      if (real_only) {
        recombine_real_adjoint(grad + code * plane, grad + (per_tree + code) * plane, l.leaves[0] + u * plane,
                               l.leaves[1] + (paths + u) * plane, plane);
        continue;
      }
      recombine_adjoint(grad + (2 * code) * plane, grad + (2 * code + 1) * plane,
                        grad + (2 * (per_tree + code)) * plane, grad + (2 * (per_tree + code) + 1) * plane,
                        conjugated_2d(code, levels_) ? T(-1) : T(1),
                        conjugated_2d(per_tree + code, levels_) ? T(-1) : T(1), l.leaves[0] + u * plane,
                        l.leaves[0] + (paths + u) * plane, l.leaves[1] + u * plane, l.leaves[1] + (paths + u) * plane,
                        plane);
    }
    for (int64_t tv = 0; tv < 2; ++tv) {
      line_tree_adjoint(l.leaves[tv], l.ho, l.width, l.cols, children + (tv * paths + v) * l.ho * l.width,
                        l.line_work, real_only ? static_cast<int>(tv) : kBothTrees);
    }
  }
  std::fill(l.image, l.image + hp * l.width, T(0));
  for (int64_t j = levels_; j >= 1; --j) {
    const int64_t n_in = l.rows.length[j - 1];
    const int64_t n_out = l.rows.length[j];
    T* parents = j == 1 ? l.image : l.stages[(j - 1) & 1];
    if (j > 1) std::fill(parents, parents + (int64_t{1} << j) * n_in * l.width, T(0));
    for (int64_t q = 0; q < (int64_t{1} << j); ++q) {
      const int pair = pair_[j - 1][q];
      T* parent = j == 1 ? l.image : parents + q * n_in * l.width;
      analysis_rows_adjoint(children + 2 * q * n_out * l.width, children + (2 * q + 1) * n_out * l.width, n_out,
                            l.width, bank_.lo[pair].data(), bank_.hi[pair].data(), l.rows.taps[j - 1],
                            l.rows.stride[j - 1], l.rows.dilation[j - 1], parent, n_in);
    }
    children = parents;
  }
  reorder_columns(l.image, x_grad, hp, wp, l.cols.phases[0], l.width, wp, true);
}

// Work: the reordered line, the leaves, the line work.
template <typename T>
int64_t DualTreeEngine<T>::workspace_1d(int64_t n) const {
  const AxisGeometry g = axis_geometry(n, levels_, stride_, bank_.taps);
  return g.slot(0) + (int64_t{2} << levels_) * g.length[levels_] + line_work(g, 1);
}

template <typename T>
void DualTreeEngine<T>::forward_1d(const T* x, int64_t n, T* out, T* work, bool real_only) const {
  const AxisGeometry g = axis_geometry(n, levels_, stride_, bank_.taps);
  const int64_t paths = int64_t{1} << levels_;
  const int64_t n_out = g.length[levels_];
  T* line = work;
  T* leaves = line + g.slot(0);
  reorder_columns(x, line, 1, n, g.phases[0], n, g.slot(0), false);
  line_tree(line, 1, g.slot(0), g, leaves, leaves + 2 * paths * n_out, real_only ? 0 : kBothTrees);
  if (real_only) {
    std::copy(leaves, leaves + paths * n_out, out);
    return;
  }
  for (int64_t p = 0; p < paths; ++p) {
    const T sign = conjugated_1d(p, levels_) ? T(-1) : T(1);
    const T* d1 = leaves + p * n_out;
    const T* d2 = leaves + (paths + p) * n_out;
    T* re = out + 2 * p * n_out;
    T* im = re + n_out;
    for (int64_t i = 0; i < n_out; ++i) {
      re[i] = d1[i];
      im[i] = sign * d2[i];
    }
  }
}

template <typename T>
void DualTreeEngine<T>::adjoint_1d(const T* grad, int64_t n, T* x_grad, T* work, bool real_only) const {
  const AxisGeometry g = axis_geometry(n, levels_, stride_, bank_.taps);
  const int64_t paths = int64_t{1} << levels_;
  const int64_t n_out = g.length[levels_];
  T* line = work;
  T* leaves = line + g.slot(0);
  if (real_only) {
    std::copy(grad, grad + paths * n_out, leaves);
    line_tree_adjoint(leaves, 1, g.slot(0), g, line, leaves + 2 * paths * n_out, 0);
    reorder_columns(line, x_grad, 1, n, g.phases[0], g.slot(0), n, true);
    return;
  }
  for (int64_t p = 0; p < paths; ++p) {
    const T sign = conjugated_1d(p, levels_) ? T(-1) : T(1);
    const T* re = grad + 2 * p * n_out;
    const T* im = re + n_out;
    T* d1 = leaves + p * n_out;
    T* d2 = leaves + (paths + p) * n_out;
    for (int64_t i = 0; i < n_out; ++i) {
      d1[i] = re[i];
      d2[i] = sign * im[i];
    }
  }
  line_tree_adjoint(leaves, 1, g.slot(0), g, line, leaves + 2 * paths * n_out);
  reorder_columns(line, x_grad, 1, n, g.phases[0], g.slot(0), n, true);
}

template DualTreeBank<float> make_bank<float>(const double*, const double*, const double*, const double*, int64_t);
template DualTreeBank<double> make_bank<double>(const double*, const double*, const double*, const double*, int64_t);
template class DualTreeEngine<float>;
template class DualTreeEngine<double>;

}  // namespace wavetwin::wavelets::detail
