// src/wavelets/dual_tree.h: the dual-tree packet recursion on raw arrays (internal to the library).
//
// One image (or line) at a time, so that the caller can spread a batch over threads. Separable stages along
// rows and columns commute, so the 2-D transform runs all J stages down the rows first (vectorised along
// columns), then all J stages along each resulting row, and writes the complex recombination straight into
// the output: no per-stage tensors, no depthwise convolutions. The columns of the input are first put in
// polyphase order (the row stages do not care about column order), so every stage along a row reads
// contiguous memory without copies. The adjoint runs the same steps backwards.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wavetwin::wavelets::detail {

/// Stage geometry of the packet tree along one axis of `length` (padded) samples.
struct AxisGeometry {
  std::vector<int64_t> stride, dilation, taps;  ///< per stage 1..J (index 0..J-1)
  std::vector<int64_t> length;                  ///< length[0] = input, length[j] after stage j
  std::vector<int64_t> phases;                  ///< polyphase components of level j (filter.h): the
                                                ///< input has one per strided stage ahead, leaves one
  /// Elements a line of level j occupies.
  int64_t slot(size_t j) const;
};

/// Strides, dilations and tap counts of depth `levels` at overall `stride` (reference-system.md 1.4):
/// stride 2 for the first log2(stride) stages, then a-trous stages whose dilation doubles.
AxisGeometry axis_geometry(int64_t length, int64_t levels, int64_t stride, int64_t taps);

/// Length of the single equivalent filter of one path: 1 + sum_j (prod_{i<j} s_i) d_j (taps_j - 1).
int64_t equivalent_length(int64_t levels, int64_t stride, int64_t taps);

/// The (low, high) filter pairs of the dual tree: FS1, FS2 (first stage, 12 taps for qshift_a), Q1, Q2.
enum Pair : int { kFirst1 = 0, kFirst2 = 1, kQ1 = 2, kQ2 = 3 };

/// Bayram-Selesnick succession: the pair that splits a node produced by (`pair`, `high`).
inline int successor_pair(int pair, int high) {
  switch (pair) {
    case kFirst1: return high ? kQ2 : kQ1;
    case kFirst2: return high ? kQ1 : kQ2;
    case kQ2: return high ? kQ1 : kQ2;
    default: return kQ1;
  }
}

/// The stage filters of one dual tree, in precision T.
template <typename T>
struct DualTreeBank {
  int64_t taps = 0;                     ///< L, the Q-shift length; first stage has L + 2
  std::array<std::vector<T>, 4> lo, hi; ///< indexed by Pair
};

/// Builds the bank from H1, H2, G1, G2 (each L taps, reference naming), with the one-sample-shifted
/// first-stage copies of the tree-1 filters: [0,0,H1], [G1,0,0] and [0,H1,0], [0,-G1,0].
template <typename T>
DualTreeBank<T> make_bank(const double* h1, const double* h2, const double* g1, const double* g2, int64_t taps);

/// Forward and adjoint dual-tree packet transforms of depth `levels` at overall `stride`.
template <typename T>
class DualTreeEngine {
 public:
  DualTreeEngine(DualTreeBank<T> bank, int64_t levels, int64_t stride);

  /// Elements of workspace forward_2d / adjoint_2d need for an (hp, wp) padded image.
  int64_t workspace_2d(int64_t hp, int64_t wp) const;
  /// out: 4 * 4^J maps (ho, wo) in the order [tree a/b][code][Re/Im] (reference-system.md 1.6); with
  /// `real_only`, the 2 * 4^J real parts [tree a/b][code], from the two row/column trees D11 and D22 alone.
  void forward_2d(const T* x, int64_t hp, int64_t wp, T* out, T* work, bool real_only = false) const;
  /// x_grad (hp, wp), overwritten, from the gradient of forward_2d's output.
  void adjoint_2d(const T* grad, int64_t hp, int64_t wp, T* x_grad, T* work, bool real_only = false) const;

  int64_t workspace_1d(int64_t n) const;
  /// out: 2 * 2^J lines of n_out in the order [path][Re/Im]; with `real_only`, the 2^J real parts (tree 1).
  void forward_1d(const T* x, int64_t n, T* out, T* work, bool real_only = false) const;
  void adjoint_1d(const T* grad, int64_t n, T* x_grad, T* work, bool real_only = false) const;

  int64_t levels() const { return levels_; }
  int64_t stride() const { return stride_; }
  int64_t first_taps() const { return bank_.taps + 2; }

 private:
  // All 2 * 2^J leaves of both trees along `lines` lines in g's input layout, line l at x + l * x_step:
  // out is [tree][path][line][n_J]. With `tree` 0 or 1 only that tree's half is computed (kBothTrees: both).
  static constexpr int kBothTrees = -1;
  void line_tree(const T* x, int64_t lines, int64_t x_step, const AxisGeometry& g, T* out, T* work,
                 int tree = kBothTrees) const;
  void line_tree_adjoint(const T* grad, int64_t lines, int64_t x_step, const AxisGeometry& g, T* x_grad, T* work,
                         int tree = kBothTrees) const;
  int64_t line_work(const AxisGeometry& g, int64_t lines) const;
  // Geometry of an (hp, wp) image and, given a workspace, where its pieces of work live.
  struct ImageLayout {
    AxisGeometry rows, cols;
    int64_t width = 0;  // columns of the image in polyphase order
    int64_t level = 0;  // elements of one row-stage buffer
    int64_t ho = 0, wo = 0, plane = 0;
    int64_t buffers = 0;                 // elements of the pieces below, line work excluded
    T* image = nullptr;                  // the image in polyphase column order, (hp, width)
    T* stages[2] = {nullptr, nullptr};   // ping-pong row-stage buffers
    T* leaves[2] = {nullptr, nullptr};   // leaves of the two maps of a row path: [tree][path][row][col]
    T* line_work = nullptr;
  };
  ImageLayout image_layout(int64_t hp, int64_t wp, T* work = nullptr) const;
  // The row stages, from l.image, leaving level J in the returned buffer.
  const T* row_stages(const ImageLayout& l) const;

  DualTreeBank<T> bank_;
  int64_t levels_;
  int64_t stride_;
  // pair_[j][t * 2^j + p]: the pair that splits node (tree t, path prefix p) at depth j (j = 0 .. J-1).
  std::vector<std::vector<int>> pair_;
};

}  // namespace wavetwin::wavelets::detail
