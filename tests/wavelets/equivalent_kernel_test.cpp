// tests/wavelets/equivalent_kernel_test.cpp: one strided convolution reproduces the transform.
#include "wavetwin/wavelets/equivalent_kernel.h"

#include "support/support.h"

namespace wavetwin::wavelets {
namespace {

class EquivalentKernelTest : public test::Seeded {};

TEST_F(EquivalentKernelTest, Conv2dWithTheKernelEqualsTheTransform) {
  const torch::Tensor filters = dual_tree_filter_tensor("qshift_a");
  for (const auto& [levels, stride] : std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {2, 2}, {3, 4}, {3, 2}, {2, 1}}) {
    const auto o = DtCwptOptions(levels).stride(stride);
    const EquivalentKernel k = equivalent_kernel2d(o, filters);
    EXPECT_EQ(k.weight.size(0), 4 << (2 * levels));
    const torch::Tensor x = torch::randn({2, 1, 37, 30}, torch::kFloat64);
    const torch::Tensor conv = torch::conv2d(x, k.weight, {}, k.stride, k.padding);
    EXPECT_LT(test::relative_error(conv, dtcwpt2d(x, filters, o)), test::kTolFloat64) << "J=" << levels;
  }
}

TEST_F(EquivalentKernelTest, KernelSizesMatchTheFilterSupport) {
  const torch::Tensor filters = dual_tree_filter_tensor("qshift_a");
  EXPECT_EQ(equivalent_kernel2d(DtCwptOptions(2).stride(2), filters).weight.sizes(),
            (std::vector<int64_t>{64, 1, 30, 30}));
  EXPECT_EQ(equivalent_kernel2d(DtCwptOptions(3).stride(4), filters).weight.sizes(),
            (std::vector<int64_t>{256, 1, 66, 66}));
  EXPECT_EQ(equivalent_kernel2d(DtCwptOptions(2).stride(2), filters).padding, 14);
}

TEST_F(EquivalentKernelTest, AppliesToPaddedInputsAndChannels) {
  const torch::Tensor filters = dual_tree_filter_tensor("qshift_a");
  const auto o = DtCwptOptions(2).full(true).in_channels(3);
  const EquivalentKernel k = equivalent_kernel2d(o, filters);
  const torch::Tensor x = torch::randn({1, 3, 21, 16}, torch::kFloat64);
  const torch::Tensor conv = torch::conv2d(detail::pad_input(x, o, 2), k.weight.repeat({3, 1, 1, 1}), torch::Tensor(),
                                         std::vector<int64_t>{k.stride, k.stride}, std::vector<int64_t>{0, 0},
                                         std::vector<int64_t>{1, 1}, 3);
  EXPECT_LT(test::relative_error(conv, dtcwpt2d(x, filters, o)), test::kTolFloat64);
}

TEST_F(EquivalentKernelTest, OneDimensionalKernel) {
  const torch::Tensor filters = dual_tree_filter_tensor("qshift_a");
  const auto o = DtCwptOptions(3).stride(4);
  const EquivalentKernel k = equivalent_kernel1d(o, filters);
  const torch::Tensor x = torch::randn({2, 1, 101}, torch::kFloat64);
  EXPECT_LT(test::relative_error(torch::conv1d(x, k.weight, {}, k.stride, k.padding), dtcwpt1d(x, filters, o)),
            test::kTolFloat64);
}

TEST_F(EquivalentKernelTest, PacketKernelIsComplex) {
  const torch::Tensor w = packet_kernel2d(5, 2);
  EXPECT_TRUE(w.is_complex());
  EXPECT_EQ(w.sizes(), (std::vector<int64_t>{30, 30}));
}

}  // namespace
}  // namespace wavetwin::wavelets
