// src/wavelets/dtcwpt.cpp: the DT-CWPT's functional forms: checks, padding, the CPU engine or the separable
// path, complex or interleaved layouts, the inverse. Geometry: dtcwpt_geometry.cpp; engine:
// dtcwpt_engine.cpp; separable path: dtcwpt_separable.cpp; modules: dtcwpt_modules.cpp.
#include "wavetwin/wavelets/dtcwpt.h"

#include <torch/torch.h>

#include "dtcwpt_detail.h"
#include "dual_tree.h"
#include "wavetwin/error.h"
#include "wavetwin/macs.h"

namespace wavetwin::wavelets {
namespace {

using detail::check_filters;
using detail::check_options;
using detail::maps_per_channel;
using detail::stride_of;
using torch::Tensor;

bool use_engine(const Tensor& x, const Tensor& filters) {
  return x.device().is_cpu() && !(filters.requires_grad() && torch::GradMode::is_enabled());
}

void check_input(const Tensor& x, const DtCwptOptions& o, int64_t dims, const char* where) {
  WAVETWIN_CHECK(x.defined() && x.dim() == dims + 2, where, ": input of shape ",
                 x.defined() ? x.sizes() : c10::IntArrayRef{}, "; expected ", dims == 2 ? "(N, C, H, W)" : "(N, C, L)");
  WAVETWIN_CHECK(x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64, where, ": input dtype ",
                 x.scalar_type(), "; expected float32 or float64");
  WAVETWIN_CHECK(x.size(1) == o.in_channels(), where, ": input has ", x.size(1), " channels; expected in_channels=",
                 o.in_channels());
}

// Multiply-accumulates of the filter stages for one channel of a padded (hp, wp) input (wp = 0: 1-D): every
// stage filters each node's lines into a low-pass and a high-pass output. 2-D: the stages down the rows, then
// those along each of the 2 * 2^J row maps (half of them with real_only, as the engine).
int64_t transform_macs(int64_t hp, int64_t wp, const DtCwptOptions& o, int64_t taps) {
  const auto tree = [&](const detail::AxisGeometry& g, int64_t lines) {
    int64_t macs = 0;
    for (int64_t j = 1; j <= o.levels(); ++j) macs += (int64_t{2} << j) * g.length[j] * g.taps[j - 1] * lines;
    return macs;
  };
  const auto rows = detail::axis_geometry(hp, o.levels(), stride_of(o), taps);
  if (wp == 0) return tree(rows, 1) / (o.real_only() ? 2 : 1);
  const auto cols = detail::axis_geometry(wp, o.levels(), stride_of(o), taps);
  const int64_t row_maps = int64_t{2} << o.levels();
  return tree(rows, wp) + row_maps * tree(cols, rows.length.back()) / (o.real_only() ? 2 : 1);
}

Tensor forward_nd(const Tensor& x, const Tensor& filters, const DtCwptOptions& o, int64_t dims, const char* where) {
  check_options(o, where);
  check_filters(filters, o, where);
  check_input(x, o, dims, where);
  for (int64_t a = 0; a < dims; ++a) dtcwpt_output_length(x.size(2 + a), o);
  const Tensor xp = detail::pad_input(x, o, dims);
  const Tensor f = filters.to(x.device());
  Tensor out;
  if (use_engine(xp, f)) {
    out = detail::engine_forward(xp, f, o.levels(), stride_of(o), o.real_only());
  } else {
    out = dims == 2 ? detail::dtcwpt2d_separable(xp, f, o) : detail::dtcwpt1d_separable(xp, f, o);
  }
  MacCounter::report(x.size(0) * x.size(1) * transform_macs(xp.size(2), dims == 2 ? xp.size(3) : 0, o, f.size(1)));
  return o.complex() ? as_complex(out) : out;
}

Tensor adjoint_nd(const Tensor& y_in, const Tensor& filters, const DtCwptOptions& o, std::vector<int64_t> sizes,
                  const char* where) {
  check_options(o, where);
  check_filters(filters, o, where);
  const int64_t dims = static_cast<int64_t>(sizes.size());
  const Tensor y = as_interleaved(y_in);
  const int64_t per_channel = maps_per_channel(o, dims);
  WAVETWIN_CHECK(y.dim() == dims + 2 && y.size(1) == o.in_channels() * per_channel, where, ": coefficients of shape ",
                 y.sizes(), "; expected ", o.in_channels() * per_channel, " real channels");
  std::vector<int64_t> padded = {y.size(0), o.in_channels()};
  for (int64_t a = 0; a < dims; ++a) {
    const int64_t expected = dtcwpt_output_length(sizes[a], o);
    WAVETWIN_CHECK(y.size(2 + a) == expected, where, ": coefficients of shape ", y.sizes(), "; expected size ",
                   expected, " on axis ", 2 + a, " for an input of ", sizes[a]);
    const AxisPadding pad = dtcwpt_padding(sizes[a], o);
    padded.push_back(sizes[a] + pad.before + pad.after);
  }
  const Tensor f = filters.to(y.device());
  Tensor g;
  if (use_engine(y, f)) {
    g = detail::engine_adjoint(y, f, o.levels(), stride_of(o), o.real_only(), padded);
  } else {
    g = detail::separable_adjoint(y, f.to(y.scalar_type()), o, padded);
  }
  return detail::unpad_adjoint(g, o, sizes);
}

}  // namespace

torch::Tensor as_complex(const torch::Tensor& interleaved) {
  if (interleaved.is_complex()) return interleaved;
  const Tensor& y = interleaved;
  WAVETWIN_CHECK(y.dim() >= 2 && y.size(1) % 2 == 0, "as_complex: tensor of shape ", y.sizes(),
                 "; expected complex values or an even number of (Re, Im) channels");
  std::vector<int64_t> split = {y.size(0), y.size(1) / 2, 2};
  for (int64_t d = 2; d < y.dim(); ++d) split.push_back(y.size(d));
  std::vector<int64_t> perm = {0, 1};
  for (int64_t d = 3; d <= y.dim(); ++d) perm.push_back(d);
  perm.push_back(2);  // view_as_complex wants the (Re, Im) axis last
  return torch::view_as_complex(y.reshape(split).permute(perm).contiguous());
}

torch::Tensor as_interleaved(const torch::Tensor& z) {
  if (!z.is_complex()) return z;
  const int64_t dims = z.dim();
  std::vector<int64_t> perm = {0, 1, dims};  // view_as_real appends the (Re, Im) axis last
  for (int64_t d = 2; d < dims; ++d) perm.push_back(d);
  auto sizes = z.sizes().vec();
  sizes[1] *= 2;
  return torch::view_as_real(z).permute(perm).reshape(sizes);
}

torch::Tensor dtcwpt2d(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options) {
  return forward_nd(x, filters, options, 2, "dtcwpt2d");
}

SampleGrid dtcwpt2d_grid(int64_t height, int64_t width, const DtCwptOptions& options, int64_t decimation) {
  WAVETWIN_CHECK(decimation >= 1, "dtcwpt2d_grid: decimation=", decimation, "; expected >= 1");
  const int64_t rows = dtcwpt_output_length(height, options), cols = dtcwpt_output_length(width, options);
  return {0, 0, stride_of(options) * decimation, (rows + decimation - 1) / decimation,
          (cols + decimation - 1) / decimation};
}

torch::Tensor dtcwpt2d_on_grid(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options,
                               const SampleGrid& grid) {
  check_options(options, "dtcwpt2d_on_grid");
  check_input(x, options, 2, "dtcwpt2d_on_grid");
  WAVETWIN_CHECK(grid.origin_row >= 0 && grid.origin_col >= 0 && grid.rows >= 1 && grid.cols >= 1,
                 "dtcwpt2d_on_grid: grid origin (", grid.origin_row, ", ", grid.origin_col, ") of ", grid.rows, "x",
                 grid.cols, " samples; expected a non-negative origin and at least one sample");
  const DtCwptOptions at_step = DtCwptOptions(options).stride(grid.step).padding(Padding::kNone).full(false);
  const int64_t h = x.size(2), w = x.size(3);
  const AxisPadding pad_rows = dtcwpt_padding(h, options), pad_cols = dtcwpt_padding(w, options);
  // The extended input's samples that `count` outputs from `origin` read.
  const auto span = [&](int64_t origin, int64_t extended, int64_t count) {
    const int64_t available = extended - origin;
    const int64_t out = available > 0 ? dtcwpt_output_length(available, at_step) : 0;
    WAVETWIN_CHECK(out >= count, "dtcwpt2d_on_grid: an input of ", h, "x", w, " gives ", out, " samples at step ",
                   grid.step, " from offset ", origin, "; the grid needs ", count);
    return available - (out - count) * grid.step;
  };
  const int64_t span_rows = span(grid.origin_row, h + pad_rows.before + pad_rows.after, grid.rows);
  const int64_t span_cols = span(grid.origin_col, w + pad_cols.before + pad_cols.after, grid.cols);
  // Zeros: one constant_pad_nd (negative amounts crop) extends and cuts at once, so its backward is one crop;
  // a slice's backward would zero-fill the whole gradient.
  const Tensor base = options.padding() == Padding::kZeros ? x : detail::pad_input(x, options, 2);
  const AxisPadding rows = options.padding() == Padding::kZeros ? pad_rows : AxisPadding{};
  const AxisPadding cols = options.padding() == Padding::kZeros ? pad_cols : AxisPadding{};
  const Tensor window = torch::constant_pad_nd(
      base, {cols.before - grid.origin_col, grid.origin_col + span_cols - cols.before - base.size(3),
             rows.before - grid.origin_row, grid.origin_row + span_rows - rows.before - base.size(2)}, 0);
  return forward_nd(window, filters, at_step, 2, "dtcwpt2d_on_grid");
}

torch::Tensor dtcwpt1d(const torch::Tensor& x, const torch::Tensor& filters, const DtCwptOptions& options) {
  return forward_nd(x, filters, options, 1, "dtcwpt1d");
}

torch::Tensor dtcwpt2d_adjoint(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& options,
                               int64_t height, int64_t width) {
  return adjoint_nd(y, filters, options, {height, width}, "dtcwpt2d_adjoint");
}

torch::Tensor idtcwpt2d(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& options,
                        int64_t height, int64_t width) {
  check_invertible(options, height, width);
  return adjoint_nd(y, filters, options, {height, width}, "idtcwpt2d") / (options.real_only() ? 4.0 : 8.0);
}

torch::Tensor idtcwpt1d(const torch::Tensor& y, const torch::Tensor& filters, const DtCwptOptions& options,
                        int64_t length) {
  check_invertible(options, length, length);
  return adjoint_nd(y, filters, options, {length}, "idtcwpt1d") / (options.real_only() ? 1.0 : 2.0);
}

}  // namespace wavetwin::wavelets
