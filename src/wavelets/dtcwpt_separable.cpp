// src/wavelets/dtcwpt_separable.cpp: the DT-CWPT's plain-torch path: separable equivalent filters applied with
// torch::conv2d, on any device and differentiable in the filters; the oracle of the CPU engine.
#include <torch/torch.h>

#include "dtcwpt_detail.h"
#include "dual_tree.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets::detail {
namespace {

using torch::Tensor;

// Full convolution of two 1-D tensors (differentiable).
Tensor full_convolution(const Tensor& a, const Tensor& b) {
  return torch::conv1d(a.view({1, 1, -1}), b.flip(0).view({1, 1, -1}), {}, 1, b.size(0) - 1).view(-1);
}

// f with (factor - 1) zeros between taps.
Tensor upsample(const Tensor& f, int64_t factor) {
  if (factor == 1) return f;
  const int64_t taps = f.size(0);
  return torch::cat({f.unsqueeze(1), torch::zeros({taps, factor - 1}, f.options())}, 1)
      .reshape(-1)
      .narrow(0, 0, (taps - 1) * factor + 1);
}

}  // namespace

torch::Tensor equivalent_filters_1d(const torch::Tensor& filters, int64_t levels, int64_t stride) {
  const auto g = axis_geometry(0, levels, stride, filters.size(1));
  const Tensor h1 = filters[0], h2 = filters[1], g1 = filters[2], g2 = filters[3];
  std::array<Tensor, 4> lo = {torch::constant_pad_nd(h1, {2, 0}), torch::constant_pad_nd(h1, {1, 1}), h1, h2};
  std::array<Tensor, 4> hi = {torch::constant_pad_nd(g1, {0, 2}), torch::constant_pad_nd(-g1, {1, 1}), g1, g2};
  const int64_t paths = int64_t{1} << levels;
  std::vector<Tensor> rows;
  for (int64_t t = 0; t < 2; ++t) {
    for (int64_t p = 0; p < paths; ++p) {
      int pair = static_cast<int>(t);
      Tensor eq;
      int64_t step = 1;
      for (int64_t j = 0; j < levels; ++j) {
        const int high = static_cast<int>((p >> (levels - 1 - j)) & 1);
        const Tensor f = upsample(high ? hi[pair] : lo[pair], step * g.dilation[j]);
        eq = j == 0 ? f : full_convolution(eq, f);
        step *= g.stride[j];
        pair = successor_pair(pair, high);
      }
      rows.push_back(eq);
    }
  }
  return torch::stack(rows);
}

torch::Tensor dtcwpt2d_separable(const torch::Tensor& xp, const torch::Tensor& filters, const DtCwptOptions& o) {
  const int64_t levels = o.levels(), s = stride_of(o);
  const Tensor eq = equivalent_filters_1d(filters.to(xp.scalar_type()), levels, s);
  const int64_t m = eq.size(0), span = eq.size(1), paths = m / 2;
  const int64_t n = xp.size(0), c = xp.size(1), hp = xp.size(2), wp = xp.size(3), b = n * c;
  const Tensor rows = torch::conv2d(xp.reshape({b, 1, hp, wp}), eq.view({m, 1, span, 1}), {}, {s, 1});
  const int64_t ho = rows.size(2);
  const Tensor cols = torch::conv2d(rows.reshape({b * m, 1, ho, wp}), eq.view({m, 1, 1, span}), {}, {1, s});
  const int64_t wo = cols.size(3);
  const Tensor d = cols.view({b, 2, paths, 2, paths, ho, wo});  // (b, tv, v, th, u, ho, wo)
  auto tree = [&](int64_t tv, int64_t th) { return d.select(1, tv).select(2, th); };
  const Tensor d11 = tree(0, 0), d12 = tree(0, 1), d21 = tree(1, 0), d22 = tree(1, 1);
  const Tensor psi_a = torch::stack({d11 - d22, d21 + d12}, 3);  // (b, v, u, re/im, ho, wo)
  const Tensor psi_b = torch::stack({d11 + d22, d21 - d12}, 3);
  const int64_t codes = paths * paths;
  std::vector<int64_t> order(codes);
  std::vector<double> signs(2 * codes);
  for (int64_t code = 0; code < codes; ++code) {
    order[code] = code_row_bits(code, levels) * paths + code_col_bits(code, levels);
    signs[code] = conjugated_2d(code, levels) ? -1.0 : 1.0;
    signs[codes + code] = conjugated_2d(codes + code, levels) ? -1.0 : 1.0;
  }
  Tensor z = torch::stack({psi_a, psi_b}, 1).reshape({b, 2, codes, 2, ho, wo});
  z = z.index_select(2, torch::tensor(order, torch::kLong).to(xp.device()));
  const Tensor sign = torch::tensor(signs, xp.options()).view({1, 2, codes, 1, 1});
  if (o.real_only()) return z.select(3, 0).reshape({n, c * 2 * codes, ho, wo});
  z = torch::stack({z.select(3, 0), z.select(3, 1) * sign}, 3);
  return z.reshape({n, c * 4 * codes, ho, wo});
}

torch::Tensor dtcwpt1d_separable(const torch::Tensor& xp, const torch::Tensor& filters, const DtCwptOptions& o) {
  const int64_t levels = o.levels(), s = stride_of(o);
  const Tensor eq = equivalent_filters_1d(filters.to(xp.scalar_type()), levels, s);
  const int64_t m = eq.size(0), paths = m / 2;
  const int64_t n = xp.size(0), c = xp.size(1), lp = xp.size(2);
  const Tensor d = torch::conv1d(xp.reshape({n * c, 1, lp}), eq.unsqueeze(1), {}, s);  // (b, tree * paths, lo)
  if (o.real_only()) return d.narrow(1, 0, paths).reshape({n, c * paths, d.size(2)});
  std::vector<double> signs(paths);
  for (int64_t p = 0; p < paths; ++p) signs[p] = conjugated_1d(p, levels) ? -1.0 : 1.0;
  const Tensor sign = torch::tensor(signs, xp.options()).view({1, paths, 1});
  const Tensor z = torch::stack({d.narrow(1, 0, paths), d.narrow(1, paths, paths) * sign}, 2);
  return z.reshape({n, c * 2 * paths, d.size(2)});
}

// The adjoint of the linear map on a padded input, through autograd of the separable path (any device).
torch::Tensor separable_adjoint(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& o,
                                const std::vector<int64_t>& shape) {
  const int64_t dims = static_cast<int64_t>(shape.size()) - 2;
  torch::AutoGradMode enable(true);
  const Tensor x0 = torch::zeros(shape, y.options()).requires_grad_(true);
  const Tensor out = dims == 2 ? dtcwpt2d_separable(x0, filters, o) : dtcwpt1d_separable(x0, filters, o);
  const bool graph = y.requires_grad() || filters.requires_grad();
  return torch::autograd::grad({out}, {x0}, {y}, /*retain_graph=*/graph, /*create_graph=*/graph)[0];
}

}  // namespace wavetwin::wavelets::detail
