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

// float32 without a gradient takes the one-pass loop: each value is the float64 formula rounded once (half an
// ulp, 6e-8 relative), also where the float32 squares would overflow, on odd shapes, a single value, and
// views decimating the maps (CMod's) or taking every other channel pair, read in place.
TEST_F(ModulusTest, Float32PassIsCorrectlyRounded) {
  const torch::Tensor big = torch::randn({2, 8, 9, 11});
  for (const torch::Tensor& input :
       {torch::randn({3, 8, 5, 7}), torch::randn({1, 2, 1, 1}), torch::randn({2, 4, 9}),
        big.slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2), big.slice(3, 1, c10::nullopt, 3),
        big.view({2, 4, 2, 9, 11}).slice(1, 0, c10::nullopt, 2).reshape({2, 4, 9, 11})}) {
    torch::Tensor x = input;
    x[0][0][0].fill_(3e30f);
    torch::NoGradGuard no_grad;
    const torch::Tensor m = modulus(x);
    const torch::Tensor x64 = x.to(torch::kFloat64);
    const torch::Tensor expected =
        torch::sqrt(x64.slice(1, 0, c10::nullopt, 2).square() + x64.slice(1, 1, c10::nullopt, 2).square());
    ASSERT_EQ(m.sizes(), expected.sizes());
    EXPECT_LT(((m.to(torch::kFloat64) - expected).abs() / expected).max().item<double>(), 6e-8) << x.sizes();
    EXPECT_TRUE(std::isfinite(m.flatten()[0].item<float>()));
  }
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
