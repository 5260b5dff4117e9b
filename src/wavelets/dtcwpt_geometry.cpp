// src/wavelets/dtcwpt_geometry.cpp: the DT-CWPT's options and geometry: checks, boundary extensions and their
// adjoint, padding amounts, output lengths, invertible configurations.
#include <torch/torch.h>

#include "dtcwpt_detail.h"
#include "dual_tree.h"
#include "wavetwin/error.h"
#include "wavetwin/wavelets/filter_bank.h"

namespace wavetwin::wavelets {

using detail::check_options;
using detail::stride_of;

namespace {

using torch::Tensor;

constexpr int64_t kMaxLevels = 8;

// Index of the input sample that padded position i (i in [-before, n + after)) reads.
int64_t source_index(int64_t i, int64_t n, Padding padding) {
  if (padding == Padding::kPeriodic) return ((i % n) + n) % n;
  const int64_t period = 2 * n;  // half-sample symmetric: ... 1 0 | 0 1 .. n-1 | n-1 n-2 ...
  int64_t m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

Tensor index_map(int64_t n, const AxisPadding& pad, Padding padding, const torch::Device& device) {
  std::vector<int64_t> index;
  index.reserve(n + pad.before + pad.after);
  for (int64_t i = -pad.before; i < n + pad.after; ++i) index.push_back(source_index(i, n, padding));
  return torch::tensor(index, torch::dtype(torch::kLong)).to(device);
}

}  // namespace

namespace detail {

int64_t stride_of(const DtCwptOptions& o) { return o.stride() == 0 ? int64_t{1} << o.levels() : o.stride(); }

void check_options(const DtCwptOptions& o, const char* where) {
  WAVETWIN_CHECK(o.levels() >= 1 && o.levels() <= kMaxLevels, where, ": levels=", o.levels(),
                 "; expected 1 <= levels <= ", kMaxLevels);
  const int64_t s = stride_of(o);
  WAVETWIN_CHECK(s >= 1 && (s & (s - 1)) == 0 && s <= (int64_t{1} << o.levels()), where, ": stride=", o.stride(),
                 "; expected a power of two <= 2^levels = ", int64_t{1} << o.levels(), " (or 0 for 2^levels)");
  WAVETWIN_CHECK(o.in_channels() >= 1, where, ": in_channels=", o.in_channels(), "; expected >= 1");
  WAVETWIN_CHECK(!o.full() || o.padding() == Padding::kZeros, where, ": full=true with padding '",
                 padding_name(o.padding()), "'; expected padding 'zeros'");
  WAVETWIN_CHECK(!(o.complex() && o.real_only()), where,
                 ": complex=true with real_only=true; expected at most one of them");
}

// Real output channels per input channel: (Re, Im) or Re alone for each packet.
int64_t maps_per_channel(const DtCwptOptions& o, int64_t dims) {
  return (o.real_only() ? 1 : 2) * (dims == 2 ? 2 : 1) << (dims * o.levels());
}

void check_filters(const Tensor& filters, const DtCwptOptions& o, const char* where) {
  const int64_t taps = qshift_bank(o.filters()).h0a.size();
  WAVETWIN_CHECK(filters.defined() && filters.dim() == 2 && filters.size(0) == 4 && filters.size(1) == taps, where,
                 ": filters of shape ", filters.defined() ? filters.sizes() : c10::IntArrayRef{}, "; expected (4, ",
                 taps, ") as filters '", o.filters(), "': H1, H2, G1, G2");
}

Tensor unpad_adjoint(const Tensor& g, const DtCwptOptions& o, const std::vector<int64_t>& sizes) {
  Tensor out = g;
  const int64_t dims = static_cast<int64_t>(sizes.size());
  for (int64_t a = 0; a < dims; ++a) {
    const int64_t dim = out.dim() - dims + a;
    const int64_t n = sizes[a];
    const AxisPadding pad = dtcwpt_padding(n, o);
    if (o.padding() == Padding::kZeros || o.padding() == Padding::kNone) {
      out = out.narrow(dim, pad.before, n);
    } else {
      std::vector<int64_t> shape = out.sizes().vec();
      shape[dim] = n;
      out = torch::zeros(shape, out.options()).index_add(dim, index_map(n, pad, o.padding(), out.device()), out);
    }
  }
  return out;
}

torch::Tensor pad_input(const torch::Tensor& x, const DtCwptOptions& o, int64_t dims) {
  if (o.padding() == Padding::kNone) return x;
  std::vector<AxisPadding> pads;
  for (int64_t a = 0; a < dims; ++a) pads.push_back(dtcwpt_padding(x.size(x.dim() - dims + a), o));
  if (o.padding() == Padding::kZeros) {
    std::vector<int64_t> flat;  // last dimension first, as torch's pad
    for (int64_t a = dims - 1; a >= 0; --a) flat.insert(flat.end(), {pads[a].before, pads[a].after});
    return torch::constant_pad_nd(x, flat, 0);
  }
  Tensor out = x;
  for (int64_t a = 0; a < dims; ++a) {
    const int64_t dim = x.dim() - dims + a;
    out = out.index_select(dim, index_map(x.size(dim), pads[a], o.padding(), x.device()));
  }
  return out;
}

}  // namespace detail

Padding parse_padding(const std::string& name) {
  if (name == "zeros") return Padding::kZeros;
  if (name == "symmetric") return Padding::kSymmetric;
  if (name == "periodic") return Padding::kPeriodic;
  if (name == "none") return Padding::kNone;
  WAVETWIN_FAIL("padding: unknown mode '", name, "'; expected zeros, symmetric, periodic or none");
}

std::string padding_name(Padding padding) {
  switch (padding) {
    case Padding::kZeros: return "zeros";
    case Padding::kSymmetric: return "symmetric";
    case Padding::kPeriodic: return "periodic";
    case Padding::kNone: return "none";
  }
  return "?";
}

int64_t reference_padding(int64_t levels, int64_t stride, int64_t taps) {
  const auto g = detail::axis_geometry(0, levels, stride, taps);
  int64_t total = 0;
  int64_t step = 1;
  for (int64_t j = 0; j < levels; ++j) {
    total += step * (g.dilation[j] * (g.taps[j] - 1) + 1 - g.stride[j] + 1);
    step *= g.stride[j];
  }
  return 2 * ((total / 2) / 2);
}

AxisPadding dtcwpt_padding(int64_t n, const DtCwptOptions& o) {
  const int64_t taps = qshift_bank(o.filters()).h0a.size();
  const int64_t s = stride_of(o);
  const int64_t span = detail::equivalent_length(o.levels(), s, taps);
  const int64_t p = reference_padding(o.levels(), s, taps);
  switch (o.padding()) {
    case Padding::kNone: return {0, 0};
    case Padding::kSymmetric: return {p, p};
    case Padding::kZeros: {
      if (!o.full()) return {p, p};
      // Keep coefficient i iff its support [s i - before, s i - before + span) meets [0, n).
      const int64_t before = span - s;
      const int64_t count = (before + n - 1) / s + 1;
      return {before, s * (count - 1) + span - before - n};
    }
    case Padding::kPeriodic: {
      const int64_t count = (n + s - 1) / s;
      return {p, std::max<int64_t>(0, s * (count - 1) + span - p - n)};
    }
  }
  return {0, 0};
}

int64_t dtcwpt_output_length(int64_t n, const DtCwptOptions& o) {
  check_options(o, "dtcwpt");
  const int64_t taps = qshift_bank(o.filters()).h0a.size();
  const AxisPadding pad = dtcwpt_padding(n, o);
  const auto g = detail::axis_geometry(n + pad.before + pad.after, o.levels(), stride_of(o), taps);
  const int64_t span = detail::equivalent_length(o.levels(), stride_of(o), taps);
  WAVETWIN_CHECK(n >= 1 && g.length.back() >= 1, "dtcwpt: input size ", n, " is too small for levels=", o.levels(),
                 ", stride=", stride_of(o), ", padding '", padding_name(o.padding()), "' (filter support ", span,
                 "); expected at least ", std::max<int64_t>(1, span - pad.before - pad.after), " samples");
  return g.length.back();
}

torch::Tensor dual_tree_filter_tensor(const std::string& name, torch::Dtype dtype) {
  std::vector<torch::Tensor> rows;
  for (const auto& filter : dual_tree_filters(name)) rows.push_back(torch::tensor(filter, torch::kFloat64));
  return torch::stack(rows).to(dtype);
}

void check_invertible(const DtCwptOptions& o, int64_t height, int64_t width) {
  check_options(o, "idtcwpt");
  const int64_t full_stride = int64_t{1} << o.levels();
  WAVETWIN_CHECK(stride_of(o) == full_stride, "idtcwpt: stride ", stride_of(o),
                 " is redundant; expected the fully decimated stride 2^levels = ", full_stride);
  if (o.padding() == Padding::kPeriodic) {
    WAVETWIN_CHECK(height % full_stride == 0 && width % full_stride == 0, "idtcwpt: size ", height, "x", width,
                   " with periodic padding; expected multiples of 2^levels = ", full_stride);
    return;
  }
  WAVETWIN_CHECK(o.padding() == Padding::kZeros && o.full(), "idtcwpt: padding '", padding_name(o.padding()),
                 o.padding() == Padding::kZeros ? "' with the reference's P drops border coefficients" : "'",
                 " and is not invertible; expected padding 'periodic' or 'zeros' with full=true");
}

}  // namespace wavetwin::wavelets
