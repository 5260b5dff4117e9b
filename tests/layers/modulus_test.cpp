// tests/layers/modulus_test.cpp: Modulus on complex and interleaved maps, and its gradient (0 at 0).
#include "wavetwin/layers/modulus.h"

#include "support/support.h"
#include "wavetwin/error.h"
#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {
namespace {

class ModulusTest : public test::Seeded {};

TEST_F(ModulusTest, InterleavedAndComplexAgreeWithTheFormula) {
  const torch::Tensor x = torch::randn({2, 6, 5, 7}, torch::kFloat64);
  const torch::Tensor m = modulus(x);
  ASSERT_EQ(m.sizes(), (std::vector<int64_t>{2, 3, 5, 7}));
  const torch::Tensor expected = torch::sqrt(x.slice(1, 0, c10::nullopt, 2).square() + x.slice(1, 1, c10::nullopt, 2).square());
  EXPECT_LT(test::relative_error(m, expected), test::kTolFloat64);
  EXPECT_LT(test::relative_error(modulus(wavelets::as_complex(x)), expected), test::kTolFloat64);
  Modulus module;
  EXPECT_TRUE(torch::equal(module(x), m));
  std::ostringstream printed;
  module->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::Modulus()");
  EXPECT_THROW_WITH(modulus(torch::randn({1, 3, 2, 2})), "expected complex values or an even number");
}

TEST_F(ModulusTest, GradientIsZeroAtZeroAndExactElsewhere) {
  torch::Tensor x = torch::randn({1, 4, 3, 3}, torch::kFloat64);
  x.index_put_({0, torch::indexing::Slice(0, 2), 1, 1}, 0.0);  // one zero complex value
  x.requires_grad_(true);
  const torch::Tensor g = torch::autograd::grad({modulus(x).sum()}, {x})[0];
  EXPECT_FALSE(torch::isnan(g).any().item<bool>());
  EXPECT_EQ(g[0][0][1][1].item<double>(), 0.0);
  EXPECT_EQ(g[0][1][1][1].item<double>(), 0.0);
  const double re = x[0][2][0][0].item<double>(), im = x[0][3][0][0].item<double>();
  EXPECT_NEAR(g[0][2][0][0].item<double>(), re / std::hypot(re, im), 1e-12);
  EXPECT_NEAR(g[0][3][0][0].item<double>(), im / std::hypot(re, im), 1e-12);
}

}  // namespace
}  // namespace wavetwin::layers
