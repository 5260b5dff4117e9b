// src/layers/twin_conv.cpp: the twin first layer.
#include "wavetwin/layers/twin_conv.h"

#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "wavetwin/error.h"
#include "wavetwin/layers/split_pool.h"
#include "wavetwin/wavelets/dtcwpt.h"
#include "wavetwin/wavelets/equivalent_kernel.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::layers {

TwinConvOptions TwinConvOptions::resnet() {
  return TwinConvOptions()
      .free_channels(40).free_kernel(7).free_padding(3).free_bias(false)
      .levels(2).stride(2)
      .packets(wavelets::reference_packet_order("resnet_ex"))
      .sections({{6, 12, 6}, {4, 4, 4}, {1, 2, 1}, {4, 4, 4}, {1, 2, 1}})
      .colour_mix({0.9802, 1.3060, 0.7138});
}

TwinConvOptions TwinConvOptions::alexnet(int64_t stride) {
  return TwinConvOptions()
      .free_channels(32).free_kernel(11).free_padding(2).free_bias(true)
      .levels(3).stride(stride)
      .packets(wavelets::reference_packet_order("alexnet"))
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

  freeconv = register_module("freeconv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels(), o.free_channels(),
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
  filters = register_buffer("filters", wavelets::dual_tree_filter_tensor(o.filters(), torch::kFloat32));
}

torch::Tensor TwinConvImpl::wavelet_on_grid(const torch::Tensor& luminance, int64_t origin_row, int64_t origin_col,
                                            int64_t step, int64_t rows, int64_t cols) const {
  // The samples at (origin + step * i) of the zero-padded input: one constant_pad_nd (negative amounts crop)
  // cuts the padded input to exactly the span those samples read, and the transform runs unpadded at that
  // stride. No slicing of the input or of the result: their backward passes would zero-fill whole tensors.
  const auto& o = options;
  const int64_t pad = wavelets::reference_padding(o.levels(), o.stride(), filters.size(1));
  const auto opts = wavelets::DtCwptOptions(o.levels()).stride(step).padding(wavelets::Padding::kNone);
  const auto span = [&](int64_t origin, int64_t size, int64_t count) {
    const int64_t available = size + 2 * pad - origin;
    const int64_t out = wavelets::dtcwpt_output_length(available, opts);
    WAVETWIN_CHECK(out >= count, "TwinConv: input of ", luminance.size(2), "x", luminance.size(3),
                   " too small for the wavelet grid");
    return available - (out - count) * step;
  };
  const int64_t h = luminance.size(2), w = luminance.size(3);
  const int64_t span_rows = span(origin_row, h, rows), span_cols = span(origin_col, w, cols);
  const torch::Tensor x = torch::constant_pad_nd(
      luminance, {pad - origin_col, origin_col + span_cols - pad - w, pad - origin_row, origin_row + span_rows - pad - h}, 0);
  const torch::Tensor z = wavelets::dtcwpt2d(x, filters.to(x.scalar_type()), opts);
  WAVETWIN_CHECK(z.size(2) == rows && z.size(3) == cols, "TwinConv: wavelet grid of ", z.size(2), "x", z.size(3),
                 "; expected ", rows, "x", cols);
  return z;
}

torch::Tensor TwinConvImpl::mixing_matrix() const {
  std::vector<torch::Tensor> weights;
  for (const auto& mix : featmapmix) weights.push_back(mix->weight.flatten());
  const torch::Tensor values = torch::cat(weights);
  const int64_t packets = int64_t{2} << (2 * options.levels());
  return torch::zeros({wavelet_channels(), packets}, values.options())
      .index_put({mix_rows_.to(values.device()), mix_cols_.to(values.device())}, values, /*accumulate=*/true);
}

TwinOutput TwinConvImpl::forward(const torch::Tensor& x) {
  const auto& o = options;
  WAVETWIN_CHECK(x.dim() == 4 && x.size(1) == o.in_channels(), "TwinConv: input of shape ", x.sizes(),
                 "; expected (N, ", o.in_channels(), ", H, W)");
  torch::Tensor free = freeconv(x);
  const torch::Tensor luminance = colormix ? colormix(x) : x;

  // The reference's grid: the stride-S zero-padded transform, both paths centre-cropped to the common size.
  const auto grid_opts = wavelets::DtCwptOptions(o.levels()).stride(o.stride());
  const int64_t hw = wavelets::dtcwpt_output_length(x.size(2), grid_opts);
  const int64_t ww = wavelets::dtcwpt_output_length(x.size(3), grid_opts);
  const int64_t h = std::min(free.size(2), hw), w = std::min(free.size(3), ww);
  free = center_crop_maps(free, h, w);
  const int64_t row0 = o.stride() * center_offset(hw, h), col0 = o.stride() * center_offset(ww, w);
  const int64_t d = o.pooling() == TwinPooling::kCMod ? o.decimation() : 1;
  const torch::Tensor z = wavelet_on_grid(luminance, row0, col0, o.stride() * d, (h + d - 1) / d, (w + d - 1) / d);

  // Selection and grouped mixing as one 1x1 convolution over all packets, with the sections' weights placed
  // in a (L, packets) matrix: its backward is dense (an index_select's would zero-fill the packets' gradient).
  const int64_t n = z.size(0), zh = z.size(2), zw = z.size(3);
  torch::Tensor bias;
  if (o.mix_bias()) {
    std::vector<torch::Tensor> biases;
    for (const auto& mix : featmapmix) biases.push_back(mix->bias);
    bias = torch::cat(biases);
  }
  const torch::Tensor mixed =
      torch::conv1d(z.view({n, -1, 2 * zh * zw}), mixing_matrix().to(z.scalar_type()).unsqueeze(2), bias)
          .view({n, -1, 2, zh, zw});
  if (o.pooling() == TwinPooling::kRMax) return {free, mixed.select(2, 0)};
  return {free, mixed.view({n, -1, zh, zw})};
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
