// tests/layers/cmod_test.cpp: CMod against its definition, its DT-CWPT form, and the grid it shares with RMax.
#include "wavetwin/layers/cmod.h"

#include "support/support.h"
#include "wavetwin/error.h"
#include "wavetwin/layers/rmax.h"

namespace wavetwin::layers {
namespace {

class CModTest : public test::Seeded {};

TEST_F(CModTest, MatchesTheDefinition) {
  const torch::Tensor x = torch::randn({2, 3, 21, 18}, torch::kFloat64);
  const torch::Tensor kernels = torch::randn({4, 3, 5, 4}, torch::kComplexDouble);
  const torch::Tensor got = cmod(x, kernels, CModOptions(2));
  ASSERT_EQ(got.sizes(), (std::vector<int64_t>{2, 4, 5, 4}));
  for (int64_t o = 0; o < 4; ++o) {
    for (const auto& [i, j] : std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {2, 3}, {4, 1}}) {
      const torch::Tensor patch = x[1].narrow(1, 4 * i, 5).narrow(2, 4 * j, 4);
      const double re = (patch * torch::real(kernels[o])).sum().item<double>();
      const double im = (patch * torch::imag(kernels[o])).sum().item<double>();
      EXPECT_NEAR(got[1][o][i][j].item<double>(), std::hypot(re, im), 1e-12);
    }
  }
  CMod module(kernels, CModOptions(2));
  EXPECT_TRUE(torch::equal(module(x), got));
}

TEST_F(CModTest, SharesRMaxsGridAndSize) {
  // A unit 1x1 kernel and a single bright pixel at input position 2 m n: both operators see it at output n.
  const torch::Tensor kernels = torch::complex(torch::ones({1, 1, 1, 1}, torch::kFloat64), torch::zeros({1, 1, 1, 1}, torch::kFloat64));
  for (const auto& [m, h] : std::vector<std::pair<int64_t, int64_t>>{{1, 9}, {2, 17}, {2, 20}, {4, 33}}) {
    torch::Tensor x = torch::zeros({1, 1, h, h}, torch::kFloat64);
    x[0][0][2 * m][4 * m] = 1.0;
    const torch::Tensor r = rmax(x, kernels, RMaxOptions(m));
    const torch::Tensor c = cmod(x, kernels, CModOptions(m));
    ASSERT_EQ(r.sizes(), c.sizes()) << "m=" << m << " h=" << h;
    EXPECT_EQ(c[0][0][1][2].item<double>(), 1.0);
    EXPECT_EQ(r[0][0][1][2].item<double>(), 1.0);
    EXPECT_EQ(c.sum().item<double>(), 1.0);
  }
}

TEST_F(CModTest, DtCwptFormDecimatesTheStrideMTransform) {
  CMod module(wavelets::DtCwptOptions(2));
  RMax rmax_module(wavelets::DtCwptOptions(2));
  const torch::Tensor x = torch::randn({2, 1, 40, 36}, torch::kFloat64);
  const torch::Tensor y = wavelets::dtcwpt2d(x, wavelets::dual_tree_filter_tensor("qshift_a"),
                                             wavelets::DtCwptOptions(2).stride(2));
  const torch::Tensor d = y.slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2);
  const torch::Tensor expected = torch::sqrt(d.slice(1, 0, c10::nullopt, 2).square() + d.slice(1, 1, c10::nullopt, 2).square());
  const torch::Tensor got = module(x);
  EXPECT_LT(test::relative_error(got, expected), test::kTolFloat64);
  EXPECT_EQ(got.sizes(), rmax_module(x).sizes());
  // From a transform computed once (the filter study): the same operators, read in place.
  EXPECT_LT(test::relative_error(cmod_from_dtcwpt(y), expected), test::kTolFloat64);
  EXPECT_LT(test::relative_error(rmax_from_dtcwpt(y), rmax_module(x)), test::kTolFloat64);
  std::ostringstream printed;
  module->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::CMod(stride=2, dtcwpt levels=2)");
}

TEST_F(CModTest, RejectsBadKernels) {
  EXPECT_THROW_WITH(cmod(torch::randn({1, 1, 8, 8}), torch::randn({2, 1, 3, 3}), CModOptions(2)), "expected complex");
}

}  // namespace
}  // namespace wavetwin::layers
