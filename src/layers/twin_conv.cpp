// src/layers/twin_conv.cpp: the twin first layer.
#include "wavetwin/layers/twin_conv.h"

#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "wavetwin/error.h"
#include "wavetwin/layers/cmod.h"
#include "wavetwin/layers/rmax.h"
#include "wavetwin/layers/split_pool.h"
#include "wavetwin/macs.h"
#include "wavetwin/wavelets/dtcwpt.h"
#include "wavetwin/wavelets/equivalent_kernel.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::layers {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// y[:, o] = w[o] * z[:, source[o]] for z: (N, M, K) and y: (N, O, K), on the CPU in one pass per image each
// way: the backward writes every map of z's gradient once (zero where no output reads it) instead of
// zero-filling the whole gradient and adding the outputs' parts back into it, and sums w's gradient on the way.
struct GatherScale : torch::autograd::Function<GatherScale> {
  static Tensor forward(AutogradContext* ctx, const Tensor& z_in, const Tensor& weights, const Tensor& source) {
    const Tensor z = z_in.contiguous(), w = weights.contiguous();
    ctx->save_for_backward({z, w, source});
    const int64_t n = z.size(0), maps = z.size(1), k = z.size(2), outputs = source.size(0);
    Tensor y = torch::empty({n, outputs, k}, z.options());
    const int64_t* src = source.data_ptr<int64_t>();
    AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "twin_gather_scale", [&] {
      const scalar_t* zp = z.data_ptr<scalar_t>();
      const scalar_t* wp = w.data_ptr<scalar_t>();
      scalar_t* yp = y.data_ptr<scalar_t>();
      at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) {
          for (int64_t o = 0; o < outputs; ++o) {
            const scalar_t* from = zp + (b * maps + src[o]) * k;
            scalar_t* to = yp + (b * outputs + o) * k;
            for (int64_t i = 0; i < k; ++i) to[i] = wp[o] * from[i];
          }
        }
      });
    });
    return y;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const Tensor &z = saved[0], &w = saved[1], &source = saved[2];
    const Tensor g = grads[0].contiguous();
    const int64_t n = z.size(0), maps = z.size(1), k = z.size(2), outputs = source.size(0);
    const int64_t* src = source.data_ptr<int64_t>();
    std::vector<std::vector<int64_t>> readers(maps);  // the outputs reading each map
    for (int64_t o = 0; o < outputs; ++o) readers[src[o]].push_back(o);
    Tensor gz = torch::empty_like(z);
    const int64_t chunks = std::min<int64_t>(n, at::get_num_threads());
    Tensor gw_parts = torch::zeros({chunks, outputs}, torch::TensorOptions().dtype(torch::kFloat64));
    AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "twin_gather_scale_backward", [&] {
      const scalar_t* zp = z.data_ptr<scalar_t>();
      const scalar_t* wp = w.data_ptr<scalar_t>();
      const scalar_t* gp = g.data_ptr<scalar_t>();
      scalar_t* gzp = gz.data_ptr<scalar_t>();
      double* parts = gw_parts.data_ptr<double>();
      // Fixed chunks of images, so that w's gradient is summed in the same order whatever the scheduling.
      at::parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
        for (int64_t c = first; c < last; ++c) {
          for (int64_t b = c * n / chunks; b < (c + 1) * n / chunks; ++b) {
            for (int64_t m = 0; m < maps; ++m) {
              scalar_t* to = gzp + (b * maps + m) * k;
              const scalar_t* zm = zp + (b * maps + m) * k;
              std::fill(to, to + k, scalar_t(0));
              for (int64_t o : readers[m]) {
                const scalar_t* from = gp + (b * outputs + o) * k;
                scalar_t dot = 0;
                for (int64_t i = 0; i < k; ++i) {
                  to[i] += wp[o] * from[i];
                  dot += from[i] * zm[i];
                }
                parts[c * outputs + o] += dot;
              }
            }
          }
        }
      });
    });
    return {gz, gw_parts.sum(0).to(w.scalar_type()), Tensor()};
  }
};

}  // namespace

TwinConvOptions TwinConvOptions::resnet() {
  return TwinConvOptions()
      .free_channels(40).free_kernel(7).free_padding(3).free_bias(false)
      .levels(2).stride(2)
      .packets(wavelets::ordered_packets(2, wavelets::PacketSelection::kExcludeEdges))
      .sections({{6, 12, 6}, {4, 4, 4}, {1, 2, 1}, {4, 4, 4}, {1, 2, 1}})
      .colour_mix({0.9802, 1.3060, 0.7138});
}

TwinConvOptions TwinConvOptions::alexnet(int64_t stride) {
  return TwinConvOptions()
      .free_channels(32).free_kernel(11).free_padding(2).free_bias(true)
      .levels(3).stride(stride)
      .packets(wavelets::ordered_packets(3, wavelets::PacketSelection::kAlexNet))
      .sections({{6, 6, 6}, {24, 18, 6}, {64, 8, 4}})
      .mix_bias(true)
      .decimation(stride == 4 ? 2 : 4)
      .colour_mix({1.0036, 1.1630, 0.8334});
}

int64_t center_offset(int64_t big, int64_t small) {
  const int64_t d = big - small;
  if (d % 2 == 0) return d / 2;
  const int64_t low = (d - 1) / 2;  // d / 2 = low + 0.5: to the even neighbour
  return low % 2 == 0 ? low : low + 1;
}

TwinConvImpl::TwinConvImpl(const TwinConvOptions& options_) : options(options_) { reset(); }

int64_t TwinConvImpl::wavelet_channels() const {
  int64_t total = 0;
  for (const auto& s : options.sections()) total += s.out;
  return total;
}

void TwinConvImpl::reset() {
  const auto& o = options;
  WAVETWIN_CHECK(o.in_channels() >= 1, "TwinConv: in_channels=", o.in_channels(), "; expected >= 1");
  WAVETWIN_CHECK(o.levels() >= 1 && o.stride() >= 1 && (o.stride() & (o.stride() - 1)) == 0 &&
                     o.stride() <= (int64_t{1} << o.levels()),
                 "TwinConv: levels=", o.levels(), ", stride=", o.stride(), "; expected a power of two <= 2^levels");
  WAVETWIN_CHECK(o.pooling() == TwinPooling::kRMax ||
                     (o.decimation() >= 1 && o.stride() * o.decimation() <= (int64_t{1} << o.levels())),
                 "TwinConv: CMod at stride ", o.stride(), " x ", o.decimation(), " exceeds 2^levels = ",
                 int64_t{1} << o.levels());
  const int64_t packets = int64_t{2} << (2 * o.levels());
  for (int64_t p : o.packets()) {
    WAVETWIN_CHECK(p >= 0 && p < packets, "TwinConv: packet ", p, "; expected 0 <= P < ", packets, " for J = ", o.levels());
  }
  int64_t read = 0;
  for (const auto& s : o.sections()) {
    WAVETWIN_CHECK(s.groups >= 1 && s.in % s.groups == 0 && s.out % s.groups == 0, "TwinConv: section (in ", s.in,
                   ", out ", s.out, ", groups ", s.groups, "); expected in and out multiples of groups");
    read += s.in;
  }
  WAVETWIN_CHECK(!o.sections().empty() && read == static_cast<int64_t>(o.packets().size()), "TwinConv: sections read ",
                 read, " packets; expected all ", o.packets().size(), " selected packets");
  WAVETWIN_CHECK(o.in_channels() == 1 || static_cast<int64_t>(o.colour_mix().size()) == o.in_channels(),
                 "TwinConv: ", o.colour_mix().size(), " colour-mix weights; expected ", o.in_channels());

  freeconv = register_module("freeconv", Conv2d(torch::nn::Conv2dOptions(o.in_channels(), o.free_channels(),
                                                                                    o.free_kernel())
                                                               .stride(o.stride())
                                                               .padding(o.free_padding())
                                                               .bias(o.free_bias())));
  if (o.in_channels() > 1) {
    colormix = register_module("colormix", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels(), 1, 1).bias(false)));
    torch::NoGradGuard no_grad;
    colormix->weight.copy_(torch::tensor(o.colour_mix(), torch::kFloat32).view({1, o.in_channels(), 1, 1}));
  }
  featmapmix.clear();
  for (size_t i = 0; i < o.sections().size(); ++i) {
    const auto& s = o.sections()[i];
    featmapmix.push_back(register_module(
        "featmapmix" + std::to_string(i),
        torch::nn::Conv1d(torch::nn::Conv1dOptions(s.in, s.out, 1).groups(s.groups).bias(o.mix_bias()))));
  }
  packet_index = torch::tensor(o.packets(), torch::kLong);
  // Where each mixing weight W_s[o, i] goes in the (L, packets) mixing matrix.
  std::vector<int64_t> rows, cols;
  int64_t first_row = 0, first_input = 0;
  for (const auto& s : o.sections()) {
    const int64_t in_per = s.in / s.groups, out_per = s.out / s.groups;
    for (int64_t out = 0; out < s.out; ++out) {
      for (int64_t i = 0; i < in_per; ++i) {
        rows.push_back(first_row + out);
        cols.push_back(o.packets()[first_input + (out / out_per) * in_per + i]);
      }
    }
    first_row += s.out;
    first_input += s.in;
  }
  mix_rows_ = torch::tensor(rows, torch::kLong);
  mix_cols_ = torch::tensor(cols, torch::kLong);
  single_source_ = static_cast<int64_t>(cols.size()) == wavelet_channels();
  std::vector<int64_t> real, complex;
  for (int64_t c : cols) {
    real.push_back(c);
    complex.insert(complex.end(), {2 * c, 2 * c + 1});
  }
  source_real_ = torch::tensor(real, torch::kLong);
  source_complex_ = torch::tensor(complex, torch::kLong);
  filters = register_buffer("filters", wavelets::dual_tree_filter_tensor(o.filters(), torch::kFloat32));
}

TwinOutput TwinConvImpl::forward(const torch::Tensor& x) {
  const auto& o = options;
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == o.in_channels(), "TwinConv: input of shape ", x.sizes(),
                 "; expected (N, ", o.in_channels(), ", H, W)");
  torch::Tensor free = freeconv(x);
  // The colour mix as a weighted sum of the channels: the equivalent 1x1 convolution to one channel is seven
  // times slower, forward and backward, in libtorch 1.13's CPU convolution.
  const int64_t n = x.size(0);
  const torch::Tensor luminance = colormix ? (x * colormix->weight.to(x.scalar_type())).sum(1, true) : x;
  if (colormix) MacCounter::report(x.numel());

  // The reference's grid: the stride-S zero-padded transform, both paths centre-cropped to the common size;
  // RMax's stage computes the real parts on the cropped grid, CMod's the complex maps decimated by d.
  const auto wavelet = wavelets::DtCwptOptions(o.levels()).stride(o.stride()).filters(o.filters());
  const int64_t hw = wavelets::dtcwpt_output_length(x.size(2), wavelet);
  const int64_t ww = wavelets::dtcwpt_output_length(x.size(3), wavelet);
  const int64_t h = std::min(free.size(2), hw), w = std::min(free.size(3), ww);
  free = center_crop_maps(free, h, w);
  const bool rmax = o.pooling() == TwinPooling::kRMax;
  const int64_t d = rmax ? 1 : o.decimation();
  const wavelets::SampleGrid grid{o.stride() * center_offset(hw, h), o.stride() * center_offset(ww, w),
                                  o.stride() * d, (h + d - 1) / d, (w + d - 1) / d};
  const torch::Tensor z = rmax ? rmax_dtcwpt_maps(luminance, filters, wavelet, grid)
                               : cmod_dtcwpt_maps(luminance, filters, wavelet, grid);

  const int64_t zh = z.size(2), zw = z.size(3);
  torch::Tensor weights, bias;
  std::vector<torch::Tensor> parts, biases;
  for (const auto& mix : featmapmix) {
    parts.push_back(mix->weight.flatten());
    if (o.mix_bias()) biases.push_back(mix->bias);
  }
  weights = torch::cat(parts).to(z.scalar_type());
  if (o.mix_bias()) bias = torch::cat(biases).to(z.scalar_type());
  if (single_source_) {
    // Every output is a weight times one packet (the ResNet twins): gather exactly the maps the outputs read
    // (for RMax the transform's maps are the real parts alone) and scale them, instead of a mostly-zero
    // product over all packets.
    const torch::Tensor& index = rmax ? source_real_ : source_complex_;
    if (!rmax) {
      weights = weights.repeat_interleave(2);
      if (bias.defined()) bias = bias.repeat_interleave(2);
    }
    const torch::Tensor maps = z.view({n, -1, zh * zw});
    torch::Tensor mixed = z.is_cpu() ? GatherScale::apply(maps, weights, index)
                                     : maps.index_select(1, index.to(z.device())) * weights.view({1, -1, 1});
    if (bias.defined()) mixed = mixed + bias.view({1, -1, 1});
    MacCounter::report(mixed.numel());
    return {free, mixed.view({n, -1, zh, zw})};
  }
  // Selection and grouped mixing as one 1x1 convolution over all packets, with the sections' weights placed
  // in a (L, packets) matrix: its backward is dense (an index_select's would zero-fill the packets' gradient).
  const int64_t packets = int64_t{2} << (2 * o.levels());
  const torch::Tensor matrix = torch::zeros({wavelet_channels(), packets}, weights.options())
                                   .index_put({mix_rows_.to(z.device()), mix_cols_.to(z.device())}, weights,
                                              /*accumulate=*/true);
  const int64_t maps_per_packet = rmax ? 1 : 2;
  const torch::Tensor mixed =
      torch::conv1d(z.view({n, -1, maps_per_packet * zh * zw}), matrix.unsqueeze(2), bias).view({n, -1, zh, zw});
  MacCounter::report(mixed.numel() * static_cast<int64_t>(mix_rows_.size(0)) / wavelet_channels());
  return {free, mixed};
}

TwinConvImpl::Kernel TwinConvImpl::equivalent_kernel() const {
  const auto& o = options;
  const auto eq = wavelets::equivalent_kernel2d(wavelets::DtCwptOptions(o.levels()).stride(o.stride()),
                                                filters.detach().to(torch::kCPU, torch::kFloat64));
  const torch::Tensor packets = torch::complex(eq.weight.select(1, 0).slice(0, 0, c10::nullopt, 2),
                                               eq.weight.select(1, 0).slice(0, 1, c10::nullopt, 2));  // (P, K, K)
  const torch::Tensor chosen = packets.index_select(0, packet_index);  // CPU: the kernel is built on the CPU
  std::vector<torch::Tensor> outputs, biases;
  int64_t at = 0;
  for (size_t i = 0; i < featmapmix.size(); ++i) {
    const auto& s = o.sections()[i];
    const torch::Tensor weight = featmapmix[i]->weight.detach().to(torch::kCPU, torch::kFloat64).squeeze(2);
    const int64_t in_per = s.in / s.groups, out_per = s.out / s.groups;
    for (int64_t out = 0; out < s.out; ++out) {
      const int64_t first = at + (out / out_per) * in_per;
      const torch::Tensor group = chosen.narrow(0, first, in_per);
      outputs.push_back((weight[out].view({-1, 1, 1}).to(group.scalar_type()) * group).sum(0));
    }
    if (o.mix_bias()) biases.push_back(featmapmix[i]->bias.detach().to(torch::kCPU, torch::kFloat64));
    at += s.in;
  }
  torch::Tensor bank = torch::stack(outputs).unsqueeze(1);  // (L, 1, K, K)
  if (colormix) bank = bank * colormix->weight.detach().to(torch::kCPU, torch::kFloat64).view({1, -1, 1, 1});
  return Kernel{bank, o.mix_bias() ? torch::cat(biases) : torch::Tensor(), o.stride(),
                wavelets::reference_padding(o.levels(), o.stride(), filters.size(1))};
}

torch::Tensor TwinConvImpl::selection_penalty(const std::vector<double>& lambdas) const {
  WAVETWIN_CHECK(lambdas.size() == featmapmix.size(), "selection penalty: ", lambdas.size(), " lambdas for ",
                 featmapmix.size(), " mixing sections; expected one per section");
  torch::Tensor total = torch::zeros({}, featmapmix.front()->weight.options());
  for (size_t i = 0; i < featmapmix.size(); ++i) {
    if (lambdas[i] == 0) continue;
    const torch::Tensor w = featmapmix[i]->weight.flatten(1);
    total = total + lambdas[i] * (w.abs().sum(1) / w.abs().amax(1) - 1).sum();
  }
  return total;
}

void TwinConvImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::layers::TwinConv(in=" << options.in_channels() << ", free=" << options.free_channels()
         << "x" << options.free_kernel() << "x" << options.free_kernel() << ", wavelet=" << wavelet_channels()
         << " from " << options.packets().size() << " packets, J=" << options.levels() << ", stride="
         << options.stride() << (options.pooling() == TwinPooling::kCMod ? ", CMod" : ", RMax") << ")";
}

}  // namespace wavetwin::layers
