// tests/layers/rmax_test.cpp: RMax against direct loops, its DT-CWPT form, sizes and gradients.
#include "wavetwin/layers/rmax.h"

#include "support/support.h"
#include "wavetwin/error.h"

namespace wavetwin::layers {
namespace {

class RMaxTest : public test::Seeded {};

// RMax by its definition, with loops: y = (x * Re W) subsampled by m, then max over ||p||_inf <= q of y[2n + p].
torch::Tensor rmax_direct(const torch::Tensor& x, const torch::Tensor& w, int64_t m, int64_t q) {
  const torch::Tensor re = torch::real(w);
  const int64_t n = x.size(0), cout = w.size(0), kh = w.size(2), kw = w.size(3);
  const int64_t h = (x.size(2) - kh) / m + 1, wd = (x.size(3) - kw) / m + 1;
  torch::Tensor y = torch::zeros({n, cout, h, wd}, torch::kFloat64);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t o = 0; o < cout; ++o) {
      for (int64_t i = 0; i < h; ++i) {
        for (int64_t j = 0; j < wd; ++j) {
          y[b][o][i][j] = (x[b].narrow(1, m * i, kh).narrow(2, m * j, kw) * re[o]).sum();
        }
      }
    }
  }
  const int64_t ho = (h + 1) / 2, wo = (wd + 1) / 2;
  torch::Tensor out = torch::empty({n, cout, ho, wo}, torch::kFloat64);
  for (int64_t i = 0; i < ho; ++i) {
    for (int64_t j = 0; j < wo; ++j) {
      const int64_t r0 = std::max<int64_t>(0, 2 * i - q), r1 = std::min<int64_t>(h, 2 * i + q + 1);
      const int64_t c0 = std::max<int64_t>(0, 2 * j - q), c1 = std::min<int64_t>(wd, 2 * j + q + 1);
      out.select(2, i).select(2, j).copy_(y.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0).amax({2, 3}));
    }
  }
  return out;
}

TEST_F(RMaxTest, MatchesTheDefinition) {
  for (const auto& [m, q, h, w] : std::vector<std::array<int64_t, 4>>{{1, 1, 9, 8}, {2, 1, 17, 14}, {4, 2, 23, 30}}) {
    const torch::Tensor x = torch::randn({2, 3, h, w}, torch::kFloat64);
    const torch::Tensor kernels = torch::randn({4, 3, 5, 4}, torch::kComplexDouble);
    const torch::Tensor got = rmax(x, kernels, RMaxOptions(m).q(q));
    const torch::Tensor expected = rmax_direct(x, kernels, m, q);
    ASSERT_EQ(got.sizes(), expected.sizes()) << "m=" << m;
    EXPECT_LT(test::relative_error(got, expected), test::kTolFloat64) << "m=" << m << " q=" << q;
    RMax module(kernels, RMaxOptions(m).q(q));
    EXPECT_TRUE(torch::equal(module(x), got));
  }
}

TEST_F(RMaxTest, DtCwptFormPoolsTheRealPacketsAtHalfTheStride) {
  const auto wavelet = wavelets::DtCwptOptions(3);
  RMax module(wavelet);
  EXPECT_EQ(module->options.stride(), 4);
  const torch::Tensor x = torch::randn({1, 1, 64, 48}, torch::kFloat64);
  const torch::Tensor y = wavelets::dtcwpt2d(x, wavelets::dual_tree_filter_tensor("qshift_a"),
                                             wavelets::DtCwptOptions(3).stride(4));
  const torch::Tensor expected = torch::max_pool2d(y.slice(1, 0, c10::nullopt, 2), 3, 2, 1);
  const torch::Tensor got = module(x);
  EXPECT_EQ(got.size(1), 128);
  EXPECT_LT(test::relative_error(got, expected), test::kTolFloat64);
  std::ostringstream printed;
  module->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::RMax(stride=4, dtcwpt levels=3)");
}

// The gradient for the input and the kernels, under a random upstream gradient, equals autograd's through the
// loops of the definition (with random data the maxima are unique, so both route each unit to the same place).
TEST_F(RMaxTest, GradientEqualsTheDefinitions) {
  const torch::Tensor x = torch::randn({2, 2, 13, 11}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor kernels = torch::randn({3, 2, 3, 4}, torch::kComplexDouble).requires_grad_(true);
  const torch::Tensor y = rmax(x, kernels, RMaxOptions(2).q(1));
  const torch::Tensor upstream = torch::randn(y.sizes(), torch::kFloat64);
  const auto got = torch::autograd::grad({y}, {x, kernels}, {upstream});
  const torch::Tensor direct = rmax_direct(x, kernels, 2, 1);
  const auto expected = torch::autograd::grad({direct}, {x, kernels}, {upstream});
  EXPECT_LT(test::relative_error(got[0], expected[0]), test::kTolFloat64);
  EXPECT_LT(test::relative_error(torch::real(got[1]), torch::real(expected[1])), test::kTolFloat64);
  EXPECT_GT(got[0].abs().sum().item<double>(), 0);
}

// Without a gradient to record the pooling is the CPU loop: equal to torch's max_pool2d, on tiny, odd and
// non-square maps, q = 1..3, a view reading every other channel in place, float32 and float64, NaN winning.
TEST_F(RMaxTest, PoolingLoopEqualsTorchsMaxPool) {
  torch::NoGradGuard no_grad;
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 1}, {7, 5}, {8, 8}, {13, 30}}) {
      for (int64_t q = 1; q <= 3; ++q) {
        torch::Tensor y = torch::randn({2, 6, h, w}, dtype);
        y[1][2][h / 2][w - 1] = std::numeric_limits<double>::quiet_NaN();
        const torch::Tensor view = y.slice(1, 0, c10::nullopt, 2);
        const torch::Tensor expected = torch::max_pool2d(view, {2 * q + 1, 2 * q + 1}, {2, 2}, {q, q});
        const torch::Tensor got = max_pool_q(view, q);
        ASSERT_EQ(got.sizes(), expected.sizes());
        EXPECT_TRUE(torch::allclose(got, expected, 0, 0, /*equal_nan=*/true)) << h << "x" << w << " q=" << q;
        EXPECT_TRUE(got.isnan().any().item<bool>()) << h << "x" << w << " q=" << q;
      }
    }
  }
}

TEST_F(RMaxTest, RejectsBadKernels) {
  EXPECT_THROW_WITH(rmax(torch::randn({1, 1, 8, 8}), torch::randn({2, 1, 3, 3}), RMaxOptions(2)), "expected complex");
  EXPECT_THROW_WITH(rmax(torch::randn({1, 2, 8, 8}), torch::randn({2, 1, 3, 3}, torch::kComplexFloat), RMaxOptions(2)),
                    "expected (N, 1, H, W)");
  EXPECT_THROW_WITH(max_pool_q(torch::randn({1, 1, 4, 4}), 0), "q=0");
}

}  // namespace
}  // namespace wavetwin::layers
