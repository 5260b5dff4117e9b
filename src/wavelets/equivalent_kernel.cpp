// src/wavelets/equivalent_kernel.cpp: equivalent kernels from the equivalent 1-D filters of every path.
#include "wavetwin/wavelets/equivalent_kernel.h"

#include <torch/torch.h>

#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets {

EquivalentKernel equivalent_kernel2d(const DtCwptOptions& options, const torch::Tensor& filters) {
  const int64_t stride = options.stride() == 0 ? int64_t{1} << options.levels() : options.stride();
  const int64_t levels = options.levels();
  const torch::Tensor eq = detail::equivalent_filters_1d(filters, levels, stride);
  const int64_t paths = int64_t{1} << levels;
  const int64_t codes = paths * paths;
  auto outer = [&](int64_t tv, int64_t v, int64_t th, int64_t u) {
    return torch::outer(eq[tv * paths + v], eq[th * paths + u]);
  };
  std::vector<torch::Tensor> maps(4 * codes);
  for (int64_t code = 0; code < codes; ++code) {
    const int64_t v = code_row_bits(code, levels), u = code_col_bits(code, levels);
    const torch::Tensor d11 = outer(0, v, 0, u), d12 = outer(0, v, 1, u);
    const torch::Tensor d21 = outer(1, v, 0, u), d22 = outer(1, v, 1, u);
    const double sign_a = conjugated_2d(code, levels) ? -1.0 : 1.0;
    const double sign_b = conjugated_2d(codes + code, levels) ? -1.0 : 1.0;
    maps[2 * code] = d11 - d22;
    maps[2 * code + 1] = sign_a * (d21 + d12);
    maps[2 * (codes + code)] = d11 + d22;
    maps[2 * (codes + code) + 1] = sign_b * (d21 - d12);
  }
  const int64_t taps = filters.size(1);
  return {torch::stack(maps).unsqueeze(1), stride, reference_padding(levels, stride, taps)};
}

EquivalentKernel equivalent_kernel1d(const DtCwptOptions& options, const torch::Tensor& filters) {
  const int64_t stride = options.stride() == 0 ? int64_t{1} << options.levels() : options.stride();
  const int64_t levels = options.levels();
  const torch::Tensor eq = detail::equivalent_filters_1d(filters, levels, stride);
  const int64_t paths = int64_t{1} << levels;
  std::vector<torch::Tensor> lines;
  for (int64_t p = 0; p < paths; ++p) {
    lines.push_back(eq[p]);
    lines.push_back((conjugated_1d(p, levels) ? -1.0 : 1.0) * eq[paths + p]);
  }
  return {torch::stack(lines).unsqueeze(1), stride, reference_padding(levels, stride, filters.size(1))};
}

torch::Tensor packet_kernel2d(int64_t packet, int64_t levels, const std::string& filters) {
  const EquivalentKernel k = equivalent_kernel2d(DtCwptOptions(levels), dual_tree_filter_tensor(filters));
  return torch::complex(k.weight[2 * packet][0], k.weight[2 * packet + 1][0]);
}

}  // namespace wavetwin::wavelets
