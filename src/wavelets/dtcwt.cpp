// src/wavelets/dtcwt.cpp: the DTCWT of dtcwt.h, composed of two kernels, each an autograd function whose
// backward is its exact adjoint: filtering under symmetric extension (symmetric_filter.h) and the map between a
// level's quads and its six complex orientations (quads.h). Torch ops only reshape and pad odd sizes.
//
// dtcwt's colfilter, coldfilt and colifilt are each a set of output phases of the filtering; the taps and
// starts below follow from their index arithmetic (numpy/lowlevel.py: `reflect`, then valid convolutions of
// every other extended sample). Down the height the kernels stream whole rows; along the width they split each
// extended line into polyphase components first, so no plane is ever transposed.
#include "wavetwin/wavelets/dtcwt.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "wavetwin/error.h"
#include "wavetwin/wavelets/quads.h"
#include "wavetwin/wavelets/symmetric_filter.h"

namespace wavetwin::wavelets {
namespace detail {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

const double kHalfSqrt2 = std::sqrt(0.5);

std::vector<double> reversed(std::vector<double> h) {
  std::reverse(h.begin(), h.end());
  return h;
}

std::vector<double> every_other(const std::vector<double>& h, size_t first) {
  std::vector<double> out;
  for (size_t k = first; k < h.size(); k += 2) out.push_back(h[k]);
  return out;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

void check_qshift_pair(const std::vector<double>& ha, const std::vector<double>& hb) {
  WAVETWIN_CHECK(ha.size() == hb.size() && !ha.empty() && ha.size() % 2 == 0 &&
                     static_cast<int64_t>(ha.size()) <= kMaxPhaseTaps,
                 "DTCWT: Q-shift filters must have the same even length of at most ", kMaxPhaseTaps, " taps, got ",
                 ha.size(), " and ", hb.size());
}

// Which axis of (P, rows, cols) a filtering runs along.
enum class Axis { kRows, kLines };

// A per-thread scratch buffer that only grows.
template <typename T>
T* thread_work(int64_t elements) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < elements) buffer.resize(elements);
  return buffer.data();
}

template <typename T>
void run_kernel(bool forward, Axis axis, const Tensor& in, Tensor& out, const RowFilter& f, int64_t n_in,
                bool accumulate) {
  std::vector<std::vector<T>> taps;
  for (const auto& t : f.taps) taps.emplace_back(t.begin(), t.end());
  std::vector<FilterPhase<T>> phases;
  for (size_t p = 0; p < taps.size(); ++p) {
    phases.push_back({taps[p].data(), static_cast<int64_t>(taps[p].size()), f.starts[p]});
  }
  const int64_t count = static_cast<int64_t>(phases.size()), n_outs = f.n_out * count;
  const T* source = in.data_ptr<T>();
  T* target = out.data_ptr<T>();
  if (axis == Axis::kLines) {
    const int64_t work = symmetric_line_work<T>(phases.data(), count, f.stride, f.dilation, f.n_out);
    at::parallel_for(0, in.size(0) * in.size(1), 16, [&](int64_t begin, int64_t end) {
      T* scratch = thread_work<T>(work);
      if (forward) {
        symmetric_filter_lines<T>(source + begin * n_in, n_in, end - begin, phases.data(), count, f.stride,
                                  f.dilation, target + begin * n_outs, f.n_out, scratch);
      } else {
        symmetric_filter_lines_adjoint<T>(source + begin * n_outs, f.n_out, end - begin, phases.data(), count,
                                          f.stride, f.dilation, target + begin * n_in, n_in, scratch, accumulate);
      }
    });
    return;
  }
  const int64_t cols = in.size(2);
  at::parallel_for(0, in.size(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      if (forward) {
        symmetric_filter_rows<T>(source + b * n_in * cols, n_in, cols, phases.data(), count, f.stride, f.dilation,
                                 target + b * n_outs * cols, f.n_out);
      } else {
        symmetric_filter_rows_adjoint<T>(source + b * n_outs * cols, f.n_out, cols, phases.data(), count, f.stride,
                                         f.dilation, target + b * n_in * cols, n_in, accumulate);
      }
    }
  });
}

// The filtering of a contiguous CPU tensor (P, rows, cols), down the rows or along the lines.
Tensor apply_forward(Axis axis, const Tensor& in, const RowFilter& f) {
  std::vector<int64_t> shape = in.sizes().vec();
  const int64_t n_in = shape[axis == Axis::kRows ? 1 : 2];
  shape[axis == Axis::kRows ? 1 : 2] = f.n_out * static_cast<int64_t>(f.taps.size());
  Tensor out = torch::empty(shape, in.options());
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "dtcwt_filter", [&] {
    run_kernel<scalar_t>(true, axis, in, out, f, n_in, false);
  });
  return out;
}

// x_grad = (or += with accumulate) the adjoint of apply_forward applied to grad.
void apply_adjoint(Axis axis, const Tensor& grad, const RowFilter& f, Tensor& x_grad, bool accumulate) {
  const Tensor in = grad.contiguous();
  const int64_t n_in = x_grad.size(axis == Axis::kRows ? 1 : 2);
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "dtcwt_filter_adjoint", [&] {
    run_kernel<scalar_t>(false, axis, in, x_grad, f, n_in, accumulate);
  });
}

// RowFilters travel through the autograd context as flat vectors, filter k under keys suffixed with k.
void save(AutogradContext* ctx, const RowFilter& f, const std::string& k) {
  std::vector<double> flat;
  std::vector<int64_t> counts;
  for (const auto& t : f.taps) {
    flat.insert(flat.end(), t.begin(), t.end());
    counts.push_back(static_cast<int64_t>(t.size()));
  }
  ctx->saved_data["taps" + k] = flat;
  ctx->saved_data["counts" + k] = counts;
  ctx->saved_data["starts" + k] = f.starts;
  ctx->saved_data["geometry" + k] = std::vector<int64_t>{f.stride, f.dilation, f.n_out};
}

RowFilter restore(AutogradContext* ctx, const std::string& k) {
  const std::vector<double> flat = ctx->saved_data["taps" + k].toDoubleVector();
  const std::vector<int64_t> counts = ctx->saved_data["counts" + k].toIntVector();
  const std::vector<int64_t> geometry = ctx->saved_data["geometry" + k].toIntVector();
  RowFilter f;
  size_t at = 0;
  for (const int64_t count : counts) {
    f.taps.emplace_back(flat.begin() + at, flat.begin() + at + count);
    at += count;
  }
  f.starts = ctx->saved_data["starts" + k].toIntVector();
  f.stride = geometry[0];
  f.dilation = geometry[1];
  f.n_out = geometry[2];
  return f;
}

// Several filterings of one input, one output each. Backward sums their adjoints in one output tensor (the
// first overwrites, the others accumulate): no gradient additions, no zero fill; only the filters are kept.
struct Filters : torch::autograd::Function<Filters> {
  static tensor_list forward(AutogradContext* ctx, const Tensor& x, const std::vector<RowFilter>& filters, Axis axis) {
    for (size_t k = 0; k < filters.size(); ++k) save(ctx, filters[k], std::to_string(k));
    ctx->saved_data["filters"] = static_cast<int64_t>(filters.size());
    ctx->saved_data["axis"] = static_cast<int64_t>(axis);
    ctx->saved_data["input"] = x.sizes().vec();
    const Tensor in = x.contiguous();
    tensor_list outputs;
    for (const RowFilter& f : filters) outputs.push_back(apply_forward(axis, in, f));
    return outputs;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto axis = static_cast<Axis>(ctx->saved_data["axis"].toInt());
    Tensor x_grad;
    for (int64_t k = 0; k < ctx->saved_data["filters"].toInt(); ++k) {
      if (!grads[k].defined()) continue;
      const bool accumulate = x_grad.defined();
      if (!accumulate) x_grad = torch::empty(ctx->saved_data["input"].toIntVector(), grads[k].options());
      apply_adjoint(axis, grads[k], restore(ctx, std::to_string(k)), x_grad, accumulate);
    }
    return {x_grad, Tensor(), Tensor()};
  }
};

// dtcwt's q2c with torch ops (devices other than the CPU): the quads (a b; c d) of a band give
// ((a - d) + i (b + c)) / sqrt 2 and ((a + d) + i (b - c)) / sqrt 2, each as (P, h, w, 2).
std::pair<Tensor, Tensor> quads_to_complex(const Tensor& band) {
  const Tensor q = band.reshape({band.size(0), band.size(1) / 2, 2, band.size(2) / 2, 2});
  const Tensor a = q.select(4, 0).select(2, 0), b = q.select(4, 1).select(2, 0);
  const Tensor c = q.select(4, 0).select(2, 1), d = q.select(4, 1).select(2, 1);
  return {torch::stack({a - d, b + c}, -1) * kHalfSqrt2, torch::stack({a + d, b - c}, -1) * kHalfSqrt2};
}

// The inverse map (dtcwt's c2q) with torch ops: two complex subbands (P, h, w, 2) back to the band (P, 2h, 2w).
Tensor complex_to_quads(const Tensor& z0, const Tensor& z1) {
  const Tensor sum = (z0 + z1) * kHalfSqrt2, difference = (z0 - z1) * kHalfSqrt2;
  const Tensor top = torch::stack({sum.select(3, 0), sum.select(3, 1)}, -1);
  const Tensor bottom = torch::stack({difference.select(3, 1), -difference.select(3, 0)}, -1);
  const Tensor quads = torch::stack({top, bottom}, 2);
  return quads.reshape({z0.size(0), 2 * z0.size(1), 2 * z0.size(2)});
}

// The CPU kernels of quads.h over a batch of planes.
Tensor orientations_cpu(const Tensor& lh_in, const Tensor& hl_in, const Tensor& hh_in) {
  const Tensor lh = lh_in.contiguous(), hl = hl_in.contiguous(), hh = hh_in.contiguous();
  const int64_t planes = lh.size(0), h = lh.size(1) / 2, w = lh.size(2) / 2, band = 4 * h * w;
  Tensor out = torch::empty({planes, 6, h, w, 2}, lh.options());
  AT_DISPATCH_FLOATING_TYPES(lh.scalar_type(), "dtcwt_q2c", [&] {
    const scalar_t *a = lh.data_ptr<scalar_t>(), *b = hl.data_ptr<scalar_t>(), *c = hh.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        detail::quads_to_orientations<scalar_t>(a + p * band, b + p * band, c + p * band, h, w, o + p * 6 * h * w * 2);
      }
    });
  });
  return out;
}

std::vector<Tensor> quads_cpu(const Tensor& orientations_in) {
  const Tensor in = orientations_in.contiguous();
  const int64_t planes = in.size(0), h = in.size(2), w = in.size(3), band = 4 * h * w;
  std::vector<Tensor> bands;
  for (int b = 0; b < 3; ++b) bands.push_back(torch::empty({planes, 2 * h, 2 * w}, in.options()));
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "dtcwt_c2q", [&] {
    const scalar_t* z = in.data_ptr<scalar_t>();
    scalar_t *a = bands[0].data_ptr<scalar_t>(), *b = bands[1].data_ptr<scalar_t>(), *c = bands[2].data_ptr<scalar_t>();
    at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        detail::orientations_to_quads<scalar_t>(z + p * 6 * h * w * 2, h, w, a + p * band, b + p * band, c + p * band);
      }
    });
  });
  return bands;
}

// q2c and c2q are orthogonal, so each is the other's backward pass.
struct ToOrientations : torch::autograd::Function<ToOrientations> {
  static Tensor forward(torch::autograd::AutogradContext*, const Tensor& lh, const Tensor& hl, const Tensor& hh) {
    return orientations_cpu(lh, hl, hh);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext*, torch::autograd::tensor_list grads) {
    return quads_cpu(grads[0]);
  }
};

struct ToQuads : torch::autograd::Function<ToQuads> {
  static torch::autograd::tensor_list forward(torch::autograd::AutogradContext* ctx, const Tensor& orientations) {
    ctx->saved_data["shape"] = orientations.sizes().vec();
    return quads_cpu(orientations);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    const std::vector<int64_t> shape = ctx->saved_data["shape"].toIntVector();
    const Tensor& any = grads[0].defined() ? grads[0] : grads[1].defined() ? grads[1] : grads[2];
    for (Tensor& g : grads) {
      if (!g.defined()) g = torch::zeros({shape[0], 2 * shape[2], 2 * shape[3]}, any.options());
    }
    return {orientations_cpu(grads[0], grads[1], grads[2])};
  }
};

}  // namespace

RowFilter colfilter(const std::vector<double>& h, int64_t n) {
  WAVETWIN_CHECK(h.size() % 2 == 1 && static_cast<int64_t>(h.size()) <= kMaxPhaseTaps,
                 "DTCWT: level-1 filters must have an odd length of at most ", kMaxPhaseTaps, " taps, got ", h.size());
  RowFilter f;
  f.taps = {reversed(h)};
  f.starts = {-static_cast<int64_t>(h.size() / 2)};
  f.n_out = n;
  return f;
}

RowFilter coldfilt(const std::vector<double>& ha, const std::vector<double>& hb, int64_t n) {
  check_qshift_pair(ha, hb);
  WAVETWIN_CHECK(n % 4 == 0, "DTCWT: decimation needs a multiple of 4 samples, got ", n);
  const int64_t m = static_cast<int64_t>(ha.size());
  // Y[2i or 2i+1] = sum_k ha[k] x[4i + m - 2k] and sum_k hb[k] x[4i + m + 1 - 2k], the order set by sign(ha . hb).
  RowFilter f;
  f.stride = 4;
  f.dilation = 2;
  f.n_out = n / 4;
  if (dot(ha, hb) > 0) {
    f.taps = {reversed(ha), reversed(hb)};
    f.starts = {2 - m, 3 - m};
  } else {
    f.taps = {reversed(hb), reversed(ha)};
    f.starts = {3 - m, 2 - m};
  }
  return f;
}

RowFilter colifilt(const std::vector<double>& ha, const std::vector<double>& hb, int64_t n) {
  check_qshift_pair(ha, hb);
  WAVETWIN_CHECK(n % 2 == 0, "DTCWT: interpolation needs an even number of samples, got ", n);
  const int64_t m2 = static_cast<int64_t>(ha.size()) / 2;
  // Tree a reads the samples of one parity, tree b the other; which is which follows sign(ha . hb).
  const bool positive = dot(ha, hb) > 0;
  const int64_t delta_a = positive ? 0 : 1, delta_b = positive ? 1 : 0;
  RowFilter f;
  f.stride = 2;
  f.dilation = 2;
  f.n_out = n / 2;
  if (m2 % 2 == 1) {
    f.taps = {reversed(every_other(ha, 0)), reversed(every_other(hb, 0)), reversed(every_other(ha, 1)),
              reversed(every_other(hb, 1))};
    f.starts = {2 - m2 - delta_b, 2 - m2 - delta_a, 2 - m2 - delta_b, 2 - m2 - delta_a};
  } else {
    f.taps = {reversed(every_other(ha, 1)), reversed(every_other(hb, 1)), reversed(every_other(ha, 0)),
              reversed(every_other(hb, 0))};
    f.starts = {1 - m2 - delta_b, 1 - m2 - delta_a, 3 - m2 - delta_b, 3 - m2 - delta_a};
  }
  return f;
}

std::vector<Tensor> filter_rows(const Tensor& x, const std::vector<RowFilter>& filters) {
  if (x.device().is_cpu()) return Filters::apply(x, filters, Axis::kRows);
  std::vector<Tensor> out;
  for (const RowFilter& f : filters) out.push_back(filter_rows_torch(x, f));
  return out;
}

std::vector<Tensor> filter_lines(const Tensor& x, const std::vector<RowFilter>& filters) {
  if (x.device().is_cpu()) return Filters::apply(x, filters, Axis::kLines);
  std::vector<Tensor> out;
  for (const RowFilter& f : filters) out.push_back(filter_rows_torch(x.transpose(1, 2), f).transpose(1, 2));
  return out;
}

Tensor filter_rows(const Tensor& x, const RowFilter& filter) { return filter_rows(x, std::vector{filter})[0]; }

Tensor filter_lines(const Tensor& x, const RowFilter& filter) { return filter_lines(x, std::vector{filter})[0]; }

Tensor filter_rows_torch(const Tensor& x, const RowFilter& filter) {
  const int64_t planes = x.size(0), n = x.size(1), cols = x.size(2);
  std::vector<Tensor> phases;
  for (size_t p = 0; p < filter.taps.size(); ++p) {
    const int64_t count = static_cast<int64_t>(filter.taps[p].size());
    std::vector<int64_t> index;
    for (int64_t i = 0; i < filter.n_out; ++i) {
      for (int64_t k = 0; k < count; ++k) {
        index.push_back(symmetric_index(filter.starts[p] + filter.stride * i + filter.dilation * k, n));
      }
    }
    const Tensor rows = x.index_select(1, torch::tensor(index, torch::kLong).to(x.device()));
    const Tensor taps = torch::tensor(filter.taps[p], torch::kFloat64).to(x.options()).view({1, 1, count, 1});
    phases.push_back((rows.view({planes, filter.n_out, count, cols}) * taps).sum(2));
  }
  return torch::stack(phases, 2).view({planes, filter.n_out * static_cast<int64_t>(phases.size()), cols});
}

Tensor to_orientations(const Tensor& lh, const Tensor& hl, const Tensor& hh) {
  if (lh.device().is_cpu()) return ToOrientations::apply(lh, hl, hh);
  return to_orientations_torch(lh, hl, hh);
}

Tensor to_orientations_torch(const Tensor& lh, const Tensor& hl, const Tensor& hh) {
  const auto [o15, o165] = quads_to_complex(lh);
  const auto [o45, o135] = quads_to_complex(hh);
  const auto [o75, o105] = quads_to_complex(hl);
  return torch::stack({o15, o45, o75, o105, o135, o165}, 1);
}

std::vector<Tensor> to_bands(const Tensor& orientations) {
  if (orientations.device().is_cpu()) return ToQuads::apply(orientations);
  return to_bands_torch(orientations);
}

std::vector<Tensor> to_bands_torch(const Tensor& o) {
  return {complex_to_quads(o.select(1, 0), o.select(1, 5)), complex_to_quads(o.select(1, 2), o.select(1, 3)),
          complex_to_quads(o.select(1, 1), o.select(1, 4))};
}

}  // namespace detail

namespace {

using detail::filter_rows;
using torch::Tensor;

// Filtering of (P, H, W) planes down the height, and along the width.
Tensor along_height(const Tensor& x, const detail::RowFilter& f) { return filter_rows(x, f); }
Tensor along_width(const Tensor& x, const detail::RowFilter& f) { return detail::filter_lines(x, f); }

// Odd sizes made even by repeating the last row / column (dtcwt, pytorch_wavelets).
Tensor even_sized(Tensor x, int64_t first_dim, int64_t dims) {
  for (int64_t d = first_dim; d < first_dim + dims; ++d) {
    if (x.size(d) % 2 != 0) x = torch::cat({x, x.narrow(d, x.size(d) - 1, 1)}, d);
  }
  return x;
}

// Before a level >= 2: a size that is not a multiple of 4 gets its first and last samples repeated.
Tensor multiple_of_four(Tensor x, int64_t dim) {
  if (x.size(dim) % 4 == 0) return x;
  return torch::cat({x.narrow(dim, 0, 1), x, x.narrow(dim, x.size(dim) - 1, 1)}, dim);
}

// The six orientations from the bands, as (N, C, 6, h, w, 2).
Tensor orientations(const Tensor& lh, const Tensor& hl, const Tensor& hh, int64_t n, int64_t c) {
  return detail::to_orientations(lh, hl, hh).view({n, c, 6, lh.size(1) / 2, lh.size(2) / 2, 2});
}

struct Bands {
  Tensor lh, hl, hh;
};

Bands bands_of(const Tensor& highpass, int64_t planes) {
  const auto b = detail::to_bands(highpass.reshape({planes, 6, highpass.size(3), highpass.size(4), 2}));
  return {b[0], b[1], b[2]};
}

bool skipped(const DtcwtOptions& o, int64_t level) {
  return level < static_cast<int64_t>(o.skip_highpasses().size()) && o.skip_highpasses()[level];
}

void check_input(const Tensor& x, int64_t dims, const DtcwtOptions& o, const char* what) {
  WAVETWIN_CHECK(x.defined() && x.dim() == 2 + dims, what, ": expected an input of shape ",
                 dims == 2 ? "(N, C, H, W)" : "(N, C, L)", ", got ", x.defined() ? x.sizes() : at::IntArrayRef{});
  WAVETWIN_CHECK(x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64, what,
                 ": expected float32 or float64 input, got ", x.scalar_type());
  WAVETWIN_CHECK(x.numel() > 0, what, ": the input is empty (shape ", x.sizes(), ")");
  WAVETWIN_CHECK(o.levels() >= 0, what, ": the number of levels must be >= 0, got ", o.levels());
}

void check_highpass(const Tensor& h, int64_t level, const Tensor& lowpass, int64_t dims) {
  const bool ok = dims == 2 ? h.dim() == 6 && h.size(2) == 6 && h.size(5) == 2 : h.dim() == 4 && h.size(3) == 2;
  WAVETWIN_CHECK(ok && h.size(0) == lowpass.size(0) && h.size(1) == lowpass.size(1), "inverse DTCWT: highpass ",
                 level, " has shape ", h.sizes(), "; expected (", lowpass.size(0), ", ", lowpass.size(1),
                 dims == 2 ? ", 6, H, W, 2)" : ", L, 2)", " as the forward transform returns");
  WAVETWIN_CHECK(h.scalar_type() == lowpass.scalar_type(), "inverse DTCWT: highpass ", level, " is ",
                 h.scalar_type(), " but the low-pass is ", lowpass.scalar_type());
}

// The low-pass brought to twice the highpass's size along `dim`: the forward's extension dropped.
Tensor fit(const Tensor& low, int64_t dim, int64_t target, int64_t level) {
  if (low.size(dim) == target) return low;
  WAVETWIN_CHECK(low.size(dim) == target + 2, "inverse DTCWT: the low-pass entering level ", level, " has ",
                 low.size(dim), " samples along dimension ", dim, "; expected ", target, " or ", target + 2,
                 " (twice the level's highpass)");
  return low.narrow(dim, 1, target);
}

}  // namespace

DtcwtBanks dtcwt_banks(const DtcwtOptions& options) {
  return {biorthogonal_bank(options.biort()), qshift_bank(options.qshift())};
}

DtcwtPyramid dtcwt2d(const Tensor& x, const DtcwtOptions& options) { return dtcwt2d(x, dtcwt_banks(options), options); }

DtcwtPyramid dtcwt2d(const Tensor& input, const DtcwtBanks& banks, const DtcwtOptions& options) {
  check_input(input, 2, options, "DTCWT");
  DtcwtPyramid out;
  if (options.levels() == 0) {
    out.lowpass = input;
    return out;
  }
  const int64_t n = input.size(0), c = input.size(1);
  const BiorthogonalBank& b = banks.biort;
  const QShiftBank& q = banks.qshift;
  const Tensor even = even_sized(input, 2, 2);
  Tensor low = even.reshape({n * c, even.size(2), even.size(3)});
  for (int64_t level = 0; level < options.levels(); ++level) {
    if (level > 0) low = multiple_of_four(multiple_of_four(low, 1), 2);
    const int64_t height = low.size(1), width = low.size(2);
    const auto lo_filter = [&](int64_t len) {
      return level == 0 ? detail::colfilter(b.h0o, len) : detail::coldfilt(q.h0b, q.h0a, len);
    };
    const auto hi_filter = [&](int64_t len) {
      return level == 0 ? detail::colfilter(b.h1o, len) : detail::coldfilt(q.h1b, q.h1a, len);
    };
    Tensor highpass;
    if (skipped(options, level)) {
      low = along_height(along_width(low, lo_filter(width)), lo_filter(height));
    } else {
      const auto lo_hi = detail::filter_lines(low, {lo_filter(width), hi_filter(width)});
      const auto lo = detail::filter_rows(lo_hi[0], {lo_filter(height), hi_filter(height)});
      const auto hi = detail::filter_rows(lo_hi[1], {lo_filter(height), hi_filter(height)});
      highpass = orientations(lo[1], hi[0], hi[1], n, c);
      low = lo[0];
    }
    out.highpasses.push_back(highpass);
    if (options.include_scale()) out.scales.push_back(low.view({n, c, low.size(1), low.size(2)}));
  }
  out.lowpass = low.view({n, c, low.size(1), low.size(2)});
  return out;
}

Tensor idtcwt2d(const Tensor& lowpass, const std::vector<Tensor>& highpasses, const DtcwtOptions& options) {
  return idtcwt2d(lowpass, highpasses, dtcwt_banks(options));
}

Tensor idtcwt2d(const Tensor& lowpass, const std::vector<Tensor>& highpasses, const DtcwtBanks& banks) {
  check_input(lowpass, 2, DtcwtOptions(0), "inverse DTCWT");
  const int64_t n = lowpass.size(0), c = lowpass.size(1), planes = n * c;
  const BiorthogonalBank& b = banks.biort;
  const QShiftBank& q = banks.qshift;
  Tensor low = lowpass.reshape({planes, lowpass.size(2), lowpass.size(3)});
  for (int64_t level = static_cast<int64_t>(highpasses.size()) - 1; level >= 0; --level) {
    const Tensor& h = highpasses[level];
    std::optional<Bands> bands;
    if (h.defined() && h.numel() > 0) {
      check_highpass(h, level, lowpass, 2);
      low = fit(fit(low, 1, 2 * h.size(3), level), 2, 2 * h.size(4), level);
      bands = bands_of(h, planes);
    }
    const int64_t height = low.size(1), width = low.size(2);
    WAVETWIN_CHECK(height % 2 == 0 && width % 2 == 0, "inverse DTCWT: the low-pass entering level ", level,
                   " is ", height, "x", width, "; expected even sizes");
    const auto lo_filter = [&](int64_t len) {
      return level == 0 ? detail::colfilter(b.g0o, len) : detail::colifilt(q.g0b, q.g0a, len);
    };
    const auto hi_filter = [&](int64_t len) {
      return level == 0 ? detail::colfilter(b.g1o, len) : detail::colifilt(q.g1b, q.g1a, len);
    };
    Tensor y1 = along_height(low, lo_filter(height));
    if (!bands) {
      low = along_width(y1, lo_filter(width));
      continue;
    }
    y1 = y1 + along_height(bands->lh, hi_filter(height));
    const Tensor y2 = along_height(bands->hl, lo_filter(height)) + along_height(bands->hh, hi_filter(height));
    low = along_width(y1, lo_filter(width)) + along_width(y2, hi_filter(width));
  }
  return low.reshape({n, c, low.size(1), low.size(2)});
}

DtcwtPyramid dtcwt1d(const Tensor& x, const DtcwtOptions& options) { return dtcwt1d(x, dtcwt_banks(options), options); }

DtcwtPyramid dtcwt1d(const Tensor& input, const DtcwtBanks& banks, const DtcwtOptions& options) {
  check_input(input, 1, options, "1-D DTCWT");
  DtcwtPyramid out;
  if (options.levels() == 0) {
    out.lowpass = input;
    return out;
  }
  const int64_t n = input.size(0), c = input.size(1), planes = n * c;
  const BiorthogonalBank& b = banks.biort;
  const QShiftBank& q = banks.qshift;
  // Samples down the rows, the N * C signals along the columns: one plane, vectorised across the batch.
  const auto as_rows = [&](const Tensor& t) { return t.reshape({planes, t.size(2)}).t().unsqueeze(0).contiguous(); };
  const auto as_signals = [&](const Tensor& rows) { return rows.squeeze(0).t().reshape({n, c, rows.size(1)}); };
  Tensor low = as_rows(even_sized(input, 2, 1));
  for (int64_t level = 0; level < options.levels(); ++level) {
    if (level > 0) low = multiple_of_four(low, 1);
    const int64_t length = low.size(1);
    Tensor highpass;
    if (!skipped(options, level)) {
      const Tensor hi = filter_rows(low, level == 0 ? detail::colfilter(b.h1o, length)
                                                    : detail::coldfilt(q.h1b, q.h1a, length));
      // Even samples are the real parts, odd ones the imaginary parts.
      highpass = as_signals(hi).reshape({n, c, hi.size(1) / 2, 2});
    }
    low = filter_rows(low, level == 0 ? detail::colfilter(b.h0o, length) : detail::coldfilt(q.h0b, q.h0a, length));
    out.highpasses.push_back(highpass);
    if (options.include_scale()) out.scales.push_back(as_signals(low));
  }
  out.lowpass = as_signals(low);
  return out;
}

Tensor idtcwt1d(const Tensor& lowpass, const std::vector<Tensor>& highpasses, const DtcwtOptions& options) {
  return idtcwt1d(lowpass, highpasses, dtcwt_banks(options));
}

Tensor idtcwt1d(const Tensor& lowpass, const std::vector<Tensor>& highpasses, const DtcwtBanks& banks) {
  check_input(lowpass, 1, DtcwtOptions(0), "inverse 1-D DTCWT");
  const int64_t n = lowpass.size(0), c = lowpass.size(1), planes = n * c;
  const BiorthogonalBank& b = banks.biort;
  const QShiftBank& q = banks.qshift;
  const auto as_rows = [&](const Tensor& t) { return t.reshape({planes, -1}).t().unsqueeze(0).contiguous(); };
  Tensor low = as_rows(lowpass);
  for (int64_t level = static_cast<int64_t>(highpasses.size()) - 1; level >= 0; --level) {
    const Tensor& h = highpasses[level];
    const bool present = h.defined() && h.numel() > 0;
    if (present) {
      check_highpass(h, level, lowpass, 1);
      low = fit(low, 1, 2 * h.size(2), level);
    }
    const int64_t length = low.size(1);
    WAVETWIN_CHECK(length % 2 == 0, "inverse 1-D DTCWT: the low-pass entering level ", level, " has ", length,
                   " samples; expected an even number");
    low = filter_rows(low, level == 0 ? detail::colfilter(b.g0o, length) : detail::colifilt(q.g0b, q.g0a, length));
    if (present) {
      const Tensor hi = as_rows(h.reshape({n, c, -1}));
      low = low + filter_rows(hi, level == 0 ? detail::colfilter(b.g1o, length)
                                             : detail::colifilt(q.g1b, q.g1a, length));
    }
  }
  return low.squeeze(0).t().reshape({n, c, low.size(1)});
}

Tensor dtcwt_scattering(const Tensor& x, const std::string& biort, double magnitude_bias, bool combine_colour) {
  WAVETWIN_CHECK(!combine_colour || (x.dim() == 4 && x.size(1) == 3),
                 "DTCWT scattering: combine_colour needs 3 input channels, got shape ", x.sizes());
  const DtcwtOptions options = DtcwtOptions(1).biort(biort);
  const DtcwtPyramid p = dtcwt2d(x, options);
  const Tensor low = torch::avg_pool2d(p.lowpass, 2);
  const Tensor& h = p.highpasses[0];
  const Tensor energy = h.select(5, 0).square() + h.select(5, 1).square();
  const double bias2 = magnitude_bias * magnitude_bias;
  if (combine_colour) {
    return torch::cat({low, (energy.sum(1) + bias2).sqrt() - magnitude_bias}, 1);
  }
  // (N, C, 6, h, w) -> orientation-major channels (N, 6 C, h, w) after the C low-pass channels.
  const Tensor modulus = ((energy + bias2).sqrt() - magnitude_bias).transpose(1, 2);
  return torch::cat({low, modulus.reshape({x.size(0), -1, low.size(2), low.size(3)})}, 1);
}

Dtcwt2dImpl::Dtcwt2dImpl(const DtcwtOptions& options_) : options(options_) { reset(); }

void Dtcwt2dImpl::reset() { banks = dtcwt_banks(options); }

void Dtcwt2dImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::Dtcwt2d(J=" << options.levels() << ", biort=" << options.biort()
         << ", qshift=" << options.qshift() << ")";
}

DtcwtPyramid Dtcwt2dImpl::forward(const Tensor& x) { return dtcwt2d(x, banks, options); }

Tensor Dtcwt2dImpl::inverse(const Tensor& lowpass, const std::vector<Tensor>& highpasses) {
  return idtcwt2d(lowpass, highpasses, banks);
}

}  // namespace wavetwin::wavelets
