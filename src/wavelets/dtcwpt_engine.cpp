// src/wavelets/dtcwpt_engine.cpp: the DT-CWPT's CPU fast path: dual_tree.h's engine run over a batch (one
// dispatch for both directions and both dimensions) and wrapped as an autograd function.
#include <torch/torch.h>

#include "dtcwpt_detail.h"
#include "dual_tree.h"
#include "wavetwin/memory.h"

namespace wavetwin::wavelets::detail {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

template <typename T>
DualTreeEngine<T> make_engine(const Tensor& filters, int64_t levels, int64_t stride) {
  const Tensor f = filters.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t taps = f.size(1);
  const double* p = f.data_ptr<double>();
  return DualTreeEngine<T>(make_bank<T>(p, p + taps, p + 2 * taps, p + 3 * taps, taps), levels, stride);
}

// A per-thread scratch buffer that only grows, so repeated calls touch no fresh pages.
template <typename T>
T* thread_workspace(int64_t elements) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < elements) buffer.resize(elements);
  return buffer.data();
}

// The transform (forward) or its adjoint between a padded input of `padded` = (N, C, hp[, wp]) and the
// coefficients (N, C * maps, ho[, wo]), every image of the batch on its own thread.
Tensor run(bool forward, const Tensor& input, const Tensor& filters, int64_t levels, int64_t stride, bool real_only,
           const std::vector<int64_t>& padded) {
  const Tensor in = input.contiguous();
  const int64_t dims = static_cast<int64_t>(padded.size()) - 2, n = padded[0], c = padded[1];
  std::vector<int64_t> lengths;
  int64_t padded_plane = 1, out_plane = 1;
  for (int64_t a = 0; a < dims; ++a) {
    lengths.push_back(axis_geometry(padded[2 + a], levels, stride, filters.size(1)).length.back());
    padded_plane *= padded[2 + a];
    out_plane *= lengths.back();
  }
  const int64_t maps = dims == 2 ? (real_only ? 2 : 4) << (2 * levels) : (real_only ? 1 : 2) << levels;
  std::vector<int64_t> out_shape = padded;
  if (forward) {
    out_shape = {n, c * maps};
    out_shape.insert(out_shape.end(), lengths.begin(), lengths.end());
  }
  Tensor out = empty_recycled(out_shape, in.options());
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "dtcwpt", [&] {
    const auto engine = make_engine<scalar_t>(filters, levels, stride);
    const int64_t hp = padded[2], wp = dims == 2 ? padded[3] : 1;
    const int64_t workspace = dims == 2 ? engine.workspace_2d(hp, wp) : engine.workspace_1d(hp);
    const scalar_t* source = in.data_ptr<scalar_t>();
    scalar_t* target = out.data_ptr<scalar_t>();
    const int64_t coefficients = maps * out_plane;
    at::parallel_for(0, n * c, 1, [&](int64_t begin, int64_t end) {
      scalar_t* work = thread_workspace<scalar_t>(workspace);
      for (int64_t b = begin; b < end; ++b) {
        const scalar_t* image = forward ? source + b * padded_plane : source + b * coefficients;
        scalar_t* result = forward ? target + b * coefficients : target + b * padded_plane;
        if (dims == 2 && forward) engine.forward_2d(image, hp, wp, result, work, real_only);
        if (dims == 2 && !forward) engine.adjoint_2d(image, hp, wp, result, work, real_only);
        if (dims == 1 && forward) engine.forward_1d(image, hp, result, work, real_only);
        if (dims == 1 && !forward) engine.adjoint_1d(image, hp, result, work, real_only);
      }
    });
  });
  return out;
}

// The transform (forward = true) or its adjoint; backward is the other one (only the filters are saved).
struct EngineTransform : torch::autograd::Function<EngineTransform> {
  static Tensor forward(AutogradContext* ctx, const Tensor& input, const Tensor& filters, int64_t levels,
                        int64_t stride, bool real_only, std::vector<int64_t> padded, bool direct) {
    ctx->save_for_backward({filters});
    ctx->saved_data["levels"] = levels;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["real_only"] = real_only;
    ctx->saved_data["padded"] = padded;
    ctx->saved_data["direct"] = direct;
    return run(direct, input, filters, levels, stride, real_only, padded);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const Tensor g = run(!ctx->saved_data["direct"].toBool(), grads[0], ctx->get_saved_variables()[0],
                         ctx->saved_data["levels"].toInt(), ctx->saved_data["stride"].toInt(),
                         ctx->saved_data["real_only"].toBool(), ctx->saved_data["padded"].toIntVector());
    return {g, Tensor(), Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

}  // namespace

torch::Tensor engine_forward(const torch::Tensor& x_padded, const torch::Tensor& filters, int64_t levels,
                             int64_t stride, bool real_only) {
  return EngineTransform::apply(x_padded, filters, levels, stride, real_only, x_padded.sizes().vec(), true);
}

torch::Tensor engine_adjoint(const torch::Tensor& y, const torch::Tensor& filters, int64_t levels, int64_t stride,
                             bool real_only, const std::vector<int64_t>& padded_shape) {
  return EngineTransform::apply(y, filters, levels, stride, real_only, padded_shape, false);
}

}  // namespace wavetwin::wavelets::detail
