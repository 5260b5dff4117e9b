// src/wavelets/packet.cpp: packet metadata, measured characteristic frequencies and the selection rules.
#include "wavetwin/wavelets/packet.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>

#include "wavetwin/error.h"
#include "wavetwin/wavelets/equivalent_kernel.h"

namespace wavetwin::wavelets {
namespace {

// FFT grid of at least 128 points per axis and the kernel's length: 4 or more bins per band up to J = 5.
int64_t fft_size(int64_t taps) {
  int64_t n = 128;
  while (n < taps) n *= 2;
  return n;
}

// Angular frequencies of the FFT bins in [-pi, pi).
torch::Tensor bin_frequencies(int64_t n) {
  return torch::fft::fftfreq(n, torch::kFloat64) * (2 * M_PI);
}

// The complex kernels of an equivalent kernel's interleaved Re/Im channels: (packets, ...).
torch::Tensor complex_kernels(const EquivalentKernel& kernel) {
  const torch::Tensor w = kernel.weight.select(1, 0);
  return torch::complex(w.slice(0, 0, c10::nullopt, 2), w.slice(0, 1, c10::nullopt, 2));
}

}  // namespace

PacketInfo packet_info(int64_t packet, int64_t levels) {
  const int64_t per_tree = int64_t{1} << (2 * levels);
  WAVETWIN_CHECK(levels >= 1 && packet >= 0 && packet < 2 * per_tree, "packet_info: packet ", packet,
                 " at levels=", levels, "; expected 0 <= packet < ", 2 * per_tree);
  PacketInfo info;
  info.index = packet;
  info.tree = packet / per_tree;
  info.code = packet % per_tree;
  info.row_bits = code_row_bits(info.code, levels);
  info.col_bits = code_col_bits(info.code, levels);
  info.band_row = band_index(info.row_bits, levels);
  info.band_col = band_index(info.col_bits, levels);
  const int sigma = continuation_sign(info.row_bits, levels) * continuation_sign(info.col_bits, levels);
  info.orientation = info.tree == 0 ? sigma : -sigma;
  info.scale = std::max(info.band_row, info.band_col);
  const int64_t top = (int64_t{1} << levels) - 1;
  info.edge = info.band_row == top || info.band_col == top;
  info.lowpass = info.band_row == 0 && info.band_col == 0;
  info.conjugated = conjugated_2d(packet, levels);
  return info;
}

std::vector<PacketInfo> packet_table(int64_t levels, const std::string& filters) {
  const EquivalentKernel kernel = equivalent_kernel2d(DtCwptOptions(levels), dual_tree_filter_tensor(filters));
  const int64_t n = fft_size(kernel.weight.size(2));
  const torch::Tensor w = complex_kernels(kernel);
  const torch::Tensor xi = bin_frequencies(n);
  const torch::Tensor xi_row = xi.view({n, 1}), xi_col = xi.view({1, n});
  std::vector<PacketInfo> table;
  for (int64_t p = 0; p < w.size(0); ++p) {
    PacketInfo info = packet_info(p, levels);
    const torch::Tensor e = torch::fft::fft2(w[p], {{n, n}}).abs().square();
    double best = -1;
    for (int sr : {-1, 1}) {
      for (int sc : {-1, 1}) {
        const torch::Tensor q = e * (((xi_row * sr) > 0) & ((xi_col * sc) > 0));
        const double energy = q.sum().item<double>();
        if (energy > best) {
          best = energy;
          info.freq_row = (q * xi_row).sum().item<double>() / energy;
          info.freq_col = (q * xi_col).sum().item<double>() / energy;
        }
      }
    }
    table.push_back(info);
  }
  return table;
}

std::vector<Packet1dInfo> packet_table_1d(int64_t levels, const std::string& filters) {
  const EquivalentKernel kernel = equivalent_kernel1d(DtCwptOptions(levels), dual_tree_filter_tensor(filters));
  const int64_t n = fft_size(kernel.weight.size(2));
  const torch::Tensor w = complex_kernels(kernel);
  const torch::Tensor power = torch::fft::fft(w, n).abs().square();
  const torch::Tensor xi = bin_frequencies(n);
  std::vector<Packet1dInfo> table;
  const int64_t paths = int64_t{1} << levels;
  for (int64_t p = 0; p < paths; ++p) {
    Packet1dInfo info;
    info.index = p;
    info.bits = p;
    info.band = band_index(p, levels);
    info.edge = info.band == paths - 1;
    info.lowpass = info.band == 0;
    info.conjugated = conjugated_1d(p, levels);
    const torch::Tensor pos = power[p] * (xi > 0), neg = power[p] * (xi < 0);
    const torch::Tensor& side = pos.sum().item<double>() >= neg.sum().item<double>() ? pos : neg;
    info.freq = (side * xi).sum().item<double>() / side.sum().item<double>();
    table.push_back(info);
  }
  return table;
}

std::vector<int64_t> select_packets(int64_t levels, PacketSelection rule) {
  const int64_t half = int64_t{1} << (levels - 1);
  std::vector<int64_t> kept;
  for (int64_t p = 0; p < (int64_t{2} << (2 * levels)); ++p) {
    const PacketInfo info = packet_info(p, levels);
    bool keep = !info.lowpass;
    if (rule == PacketSelection::kExcludeEdges) keep = keep && !info.edge;
    if (rule == PacketSelection::kAlexNet) keep = keep && !(info.band_row >= half && info.band_col >= half);
    if (keep) kept.push_back(p);
  }
  return kept;
}

std::vector<int64_t> ordered_packets(int64_t levels, PacketSelection rule) {
  std::vector<int64_t> packets = select_packets(levels, rule);
  const auto key = [levels](int64_t packet) {
    const PacketInfo p = packet_info(packet, levels);
    int64_t group = 0;
    while ((int64_t{2} << group) <= p.scale) ++group;
    const int64_t high = int64_t{1} << group;
    const int64_t axes = 2 * (p.band_row >= high) + (p.band_col >= high);
    return std::array<int64_t, 5>{group, p.orientation, axes, p.tree, p.code};
  };
  std::sort(packets.begin(), packets.end(), [&](int64_t a, int64_t b) { return key(a) < key(b); });
  return packets;
}

}  // namespace wavetwin::wavelets
