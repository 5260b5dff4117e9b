// src/wavelets/dtcwpt.cpp: DT-CWPT functions and modules; the CPU fast path runs dual_tree.h's engine.
#include "wavetwin/wavelets/dtcwpt.h"

#include <torch/torch.h>

#include <cstdlib>
#include <map>
#include <mutex>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "dual_tree.h"
#include "wavetwin/error.h"
#include "wavetwin/macs.h"
#include "wavetwin/wavelets/filter_bank.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr int64_t kMaxLevels = 8;

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

int64_t taps_of(const Tensor& filters) { return filters.size(1); }

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

// Adjoint of detail::pad_input: folds the gradient of the padded tensor back onto the input.
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

template <typename T>
detail::DualTreeEngine<T> make_engine(const Tensor& filters, int64_t levels, int64_t stride) {
  const Tensor f = filters.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t taps = f.size(1);
  const double* p = f.data_ptr<double>();
  return detail::DualTreeEngine<T>(detail::make_bank<T>(p, p + taps, p + 2 * taps, p + 3 * taps, taps), levels,
                                   stride);
}

// Large CPU results live in blocks recycled through a small cache. Fresh pages cost a fault each on first
// touch (about 12 us per 4 KiB page on the virtual machines we measured, more than the transform itself)
// plus the kernel's zeroing; a block freed by an earlier result (the previous batch, typically) is reused
// as it is, and new blocks ask for transparent huge pages, 512 times fewer faults.
class BlockCache {
 public:
  static constexpr size_t kAlign = size_t{2} << 20;
  static constexpr size_t kMaxHeld = size_t{1} << 30;

  void* take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = free_.find(bytes);
      if (it != free_.end()) {
        void* block = it->second;
        free_.erase(it);
        held_ -= bytes;
        return block;
      }
    }
    void* block = std::aligned_alloc(kAlign, bytes);
    WAVETWIN_CHECK(block != nullptr, "dtcwpt: cannot allocate ", bytes, " bytes for the result");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(block, bytes, MADV_HUGEPAGE);
#endif
    return block;
  }

  void give(void* block, size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (held_ + bytes > kMaxHeld) {
      std::free(block);
      return;
    }
    free_.emplace(bytes, block);
    held_ += bytes;
  }

 private:
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  size_t held_ = 0;
};

// Never destroyed: tensors holding its blocks may outlive static destruction.
BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache;
  return *cache;
}

// An uninitialised tensor for a result; large CPU ones come from block_cache().
Tensor empty_output(at::IntArrayRef sizes, const torch::TensorOptions& options) {
  const int64_t elements = c10::multiply_integers(sizes);
  const size_t bytes = elements * options.dtype().itemsize();
  if (!options.device().is_cpu() || bytes < 2 * BlockCache::kAlign) return torch::empty(sizes, options);
  const size_t rounded = (bytes + BlockCache::kAlign - 1) / BlockCache::kAlign * BlockCache::kAlign;
  void* block = block_cache().take(rounded);
  return torch::from_blob(block, sizes, [rounded](void* p) { block_cache().give(p, rounded); }, options);
}

// A per-thread scratch buffer that only grows, so repeated calls touch no fresh pages.
template <typename T>
T* thread_workspace(int64_t elements) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < elements) buffer.resize(elements);
  return buffer.data();
}

// Runs fn(item, work) for every one of the `items` images, spread over the threads.
template <typename T, typename Fn>
void for_each_item(int64_t items, int64_t workspace, Fn fn) {
  at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
    T* work = thread_workspace<T>(workspace);
    for (int64_t b = begin; b < end; ++b) fn(b, work);
  });
}

Tensor run_forward_2d(const Tensor& xp, const Tensor& filters, int64_t levels, int64_t stride, bool real_only) {
  const Tensor x = xp.contiguous();
  const int64_t n = x.size(0), c = x.size(1), hp = x.size(2), wp = x.size(3);
  const auto rows = detail::axis_geometry(hp, levels, stride, taps_of(filters));
  const auto cols = detail::axis_geometry(wp, levels, stride, taps_of(filters));
  const int64_t ho = rows.length.back(), wo = cols.length.back();
  const int64_t maps = (real_only ? 2 : 4) << (2 * levels);
  Tensor out = empty_output({n, c * maps, ho, wo}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "dtcwpt2d", [&] {
    const auto engine = make_engine<scalar_t>(filters, levels, stride);
    const scalar_t* in = x.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_item<scalar_t>(n * c, engine.workspace_2d(hp, wp), [&](int64_t b, scalar_t* work) {
      engine.forward_2d(in + b * hp * wp, hp, wp, o + b * maps * ho * wo, work, real_only);
    });
  });
  return out;
}

Tensor run_adjoint_2d(const Tensor& grad, const Tensor& filters, int64_t levels, int64_t stride, bool real_only,
                      int64_t hp, int64_t wp) {
  const Tensor g = grad.contiguous();
  const int64_t maps = (real_only ? 2 : 4) << (2 * levels);
  const int64_t n = g.size(0), c = g.size(1) / maps, ho = g.size(2), wo = g.size(3);
  Tensor out = empty_output({n, c, hp, wp}, g.options());
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "dtcwpt2d_adjoint", [&] {
    const auto engine = make_engine<scalar_t>(filters, levels, stride);
    const scalar_t* in = g.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_item<scalar_t>(n * c, engine.workspace_2d(hp, wp), [&](int64_t b, scalar_t* work) {
      engine.adjoint_2d(in + b * maps * ho * wo, hp, wp, o + b * hp * wp, work, real_only);
    });
  });
  return out;
}

Tensor run_forward_1d(const Tensor& xp, const Tensor& filters, int64_t levels, int64_t stride, bool real_only) {
  const Tensor x = xp.contiguous();
  const int64_t n = x.size(0), c = x.size(1), lp = x.size(2);
  const int64_t lo = detail::axis_geometry(lp, levels, stride, taps_of(filters)).length.back();
  const int64_t lines = (real_only ? 1 : 2) << levels;
  Tensor out = empty_output({n, c * lines, lo}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "dtcwpt1d", [&] {
    const auto engine = make_engine<scalar_t>(filters, levels, stride);
    const scalar_t* in = x.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_item<scalar_t>(n * c, engine.workspace_1d(lp), [&](int64_t b, scalar_t* work) {
      engine.forward_1d(in + b * lp, lp, o + b * lines * lo, work, real_only);
    });
  });
  return out;
}

Tensor run_adjoint_1d(const Tensor& grad, const Tensor& filters, int64_t levels, int64_t stride, bool real_only,
                      int64_t lp) {
  const Tensor g = grad.contiguous();
  const int64_t lines = (real_only ? 1 : 2) << levels;
  const int64_t n = g.size(0), c = g.size(1) / lines, lo = g.size(2);
  Tensor out = empty_output({n, c, lp}, g.options());
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "dtcwpt1d_adjoint", [&] {
    const auto engine = make_engine<scalar_t>(filters, levels, stride);
    const scalar_t* in = g.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for_each_item<scalar_t>(n * c, engine.workspace_1d(lp), [&](int64_t b, scalar_t* work) {
      engine.adjoint_1d(in + b * lines * lo, lp, o + b * lp, work, real_only);
    });
  });
  return out;
}

// Forward transform on a padded input; backward is the adjoint transform (only the filters are saved).
template <int Dims>
struct Forward : torch::autograd::Function<Forward<Dims>> {
  static Tensor forward(AutogradContext* ctx, const Tensor& xp, const Tensor& filters, int64_t levels,
                        int64_t stride, bool real_only) {
    ctx->save_for_backward({filters});
    ctx->saved_data["levels"] = levels;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["real_only"] = real_only;
    ctx->saved_data["shape"] = xp.sizes().vec();
    return Dims == 2 ? run_forward_2d(xp, filters, levels, stride, real_only)
                     : run_forward_1d(xp, filters, levels, stride, real_only);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const Tensor filters = ctx->get_saved_variables()[0];
    const int64_t levels = ctx->saved_data["levels"].toInt();
    const int64_t stride = ctx->saved_data["stride"].toInt();
    const bool real_only = ctx->saved_data["real_only"].toBool();
    const auto shape = ctx->saved_data["shape"].toIntVector();
    const Tensor g = Dims == 2 ? run_adjoint_2d(grads[0], filters, levels, stride, real_only, shape[2], shape[3])
                               : run_adjoint_1d(grads[0], filters, levels, stride, real_only, shape[2]);
    return {g, Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

// Adjoint transform onto a padded input of `shape`; backward is the forward transform.
template <int Dims>
struct Adjoint : torch::autograd::Function<Adjoint<Dims>> {
  static Tensor forward(AutogradContext* ctx, const Tensor& y, const Tensor& filters, int64_t levels,
                        int64_t stride, bool real_only, std::vector<int64_t> shape) {
    ctx->save_for_backward({filters});
    ctx->saved_data["levels"] = levels;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["real_only"] = real_only;
    return Dims == 2 ? run_adjoint_2d(y, filters, levels, stride, real_only, shape[2], shape[3])
                     : run_adjoint_1d(y, filters, levels, stride, real_only, shape[2]);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const Tensor filters = ctx->get_saved_variables()[0];
    const int64_t levels = ctx->saved_data["levels"].toInt();
    const int64_t stride = ctx->saved_data["stride"].toInt();
    const bool real_only = ctx->saved_data["real_only"].toBool();
    const Tensor g = Dims == 2 ? run_forward_2d(grads[0], filters, levels, stride, real_only)
                               : run_forward_1d(grads[0], filters, levels, stride, real_only);
    return {g, Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

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

// The adjoint of the linear map on a padded input, through autograd of the separable path (any device).
Tensor separable_adjoint(const Tensor& y, const Tensor& filters, const DtCwptOptions& o, std::vector<int64_t> shape,
                         int64_t dims) {
  torch::AutoGradMode enable(true);
  const Tensor x0 = torch::zeros(shape, y.options()).requires_grad_(true);
  const Tensor out = dims == 2 ? detail::dtcwpt2d_separable(x0, filters, o) : detail::dtcwpt1d_separable(x0, filters, o);
  const bool graph = y.requires_grad() || filters.requires_grad();
  return torch::autograd::grad({out}, {x0}, {y}, /*retain_graph=*/graph, /*create_graph=*/graph)[0];
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
    out = dims == 2 ? Forward<2>::apply(xp, f, o.levels(), stride_of(o), o.real_only())
                    : Forward<1>::apply(xp, f, o.levels(), stride_of(o), o.real_only());
  } else {
    out = dims == 2 ? detail::dtcwpt2d_separable(xp, f, o) : detail::dtcwpt1d_separable(xp, f, o);
  }
  MacCounter::report(x.size(0) * x.size(1) * transform_macs(xp.size(2), dims == 2 ? xp.size(3) : 0, o, taps_of(f)));
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
    g = dims == 2 ? Adjoint<2>::apply(y, f, o.levels(), stride_of(o), o.real_only(), padded)
                  : Adjoint<1>::apply(y, f, o.levels(), stride_of(o), o.real_only(), padded);
  } else {
    g = separable_adjoint(y, f.to(y.scalar_type()), o, padded, dims);
  }
  return unpad_adjoint(g, o, sizes);
}

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

namespace detail {

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

}  // namespace detail

namespace {
void print_options(std::ostream& stream, const char* name, const DtCwptOptions& o) {
  const DtCwptOptions defaults(o.levels());
  stream << "wavetwin::wavelets::" << name << "(levels=" << o.levels() << ", stride=" << stride_of(o);
  if (o.filters() != defaults.filters()) stream << ", filters=" << o.filters();
  if (o.padding() != defaults.padding()) stream << ", padding=" << padding_name(o.padding());
  if (o.full()) stream << ", full=true";
  if (o.in_channels() != 1) stream << ", in_channels=" << o.in_channels();
  if (o.complex()) stream << ", complex=true";
  if (o.real_only()) stream << ", real_only=true";
  if (o.trainable_filters()) stream << ", trainable_filters=true";
  stream << ")";
}

Tensor register_filters(torch::nn::Module& module, const DtCwptOptions& o) {
  check_options(o, "DtCwpt");
  const Tensor f = dual_tree_filter_tensor(o.filters());
  return o.trainable_filters() ? module.register_parameter("filters", f) : module.register_buffer("filters", f);
}
}  // namespace

DtCwpt2dImpl::DtCwpt2dImpl(const DtCwptOptions& options_) : options(options_) { reset(); }

void DtCwpt2dImpl::reset() { filters = register_filters(*this, options); }

void DtCwpt2dImpl::pretty_print(std::ostream& stream) const { print_options(stream, "DtCwpt2d", options); }

torch::Tensor DtCwpt2dImpl::forward(const torch::Tensor& x) { return dtcwpt2d(x, filters, options); }

torch::Tensor DtCwpt2dImpl::inverse(const torch::Tensor& y, int64_t height, int64_t width) {
  return idtcwpt2d(y, filters, options, height, width);
}

DtCwpt1dImpl::DtCwpt1dImpl(const DtCwptOptions& options_) : options(options_) { reset(); }

void DtCwpt1dImpl::reset() { filters = register_filters(*this, options); }

void DtCwpt1dImpl::pretty_print(std::ostream& stream) const { print_options(stream, "DtCwpt1d", options); }

torch::Tensor DtCwpt1dImpl::forward(const torch::Tensor& x) { return dtcwpt1d(x, filters, options); }

torch::Tensor DtCwpt1dImpl::inverse(const torch::Tensor& y, int64_t length) {
  return idtcwpt1d(y, filters, options, length);
}

}  // namespace wavetwin::wavelets
