// tests/layers/bias_test.cpp: Bias initialisation, fixed weight, forward and printing.
#include "wavetwin/layers/bias.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class BiasTest : public test::Seeded {};

TEST_F(BiasTest, AddsATrainableUniformBias) {
  Bias bias(BiasOptions(500));
  EXPECT_GE(bias->bias.min().item<double>(), -1.0);
  EXPECT_LE(bias->bias.max().item<double>(), 1.0);
  EXPECT_LT(bias->bias.min().item<double>(), -0.9);  // spread over (-1, 1)
  EXPECT_FALSE(bias->weight.requires_grad());
  EXPECT_TRUE(bias->bias.requires_grad());
  int64_t trainable = 0;
  for (const auto& p : bias->parameters()) trainable += p.requires_grad() ? p.numel() : 0;
  EXPECT_EQ(trainable, 500);
  const torch::Tensor x = torch::randn({2, 500, 3, 3});
  EXPECT_TRUE(torch::allclose(bias(x), x + bias->bias.view({1, 500, 1, 1})));
  std::ostringstream printed;
  bias->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::Bias(channels=500)");
  EXPECT_THROW_WITH(bias(torch::randn({1, 3, 2, 2})), "expected 500 channels");
}

}  // namespace
}  // namespace wavetwin::layers
