// tests/layers/bn0_test.cpp: BN0 against the reference's formula, running energy, evaluation, gradients.
#include "wavetwin/layers/bn0.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class BN0Test : public test::Seeded {};

TEST_F(BN0Test, TrainingNormalisesByTheBatchEnergyWithoutCentring) {
  BN0 bn(BN0Options(3));
  bn->to(torch::kFloat64);
  torch::NoGradGuard no_grad;
  bn->weight.copy_(torch::tensor({-2.0, 1.0, 0.5}, torch::kFloat64));  // |gamma| is used
  bn->bias.copy_(torch::tensor({0.1, 0.0, -0.3}, torch::kFloat64));
  const torch::Tensor x = torch::rand({4, 3, 5, 6}, torch::kFloat64) * 3;
  const torch::Tensor y = bn(x);
  for (int64_t c = 0; c < 3; ++c) {
    const double e = x.select(1, c).square().mean().item<double>();
    const torch::Tensor expected = x.select(1, c) / std::sqrt(e / 2 + 1e-5) * std::abs(bn->weight[c].item<double>()) +
                                   bn->bias[c].item<double>();
    EXPECT_LT(test::relative_error(y.select(1, c), expected), test::kTolFloat64);
    EXPECT_NEAR(bn->running_var[c].item<double>(), 0.9 + 0.1 * e, 1e-12);
  }
  EXPECT_EQ(bn->running_mean.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 1);
}

TEST_F(BN0Test, WithABatchSumTheEnergyIsTheSummedSquaresOverTheSummedCount) {
  BN0 plain(BN0Options(3)), summed(BN0Options(3));
  plain->to(torch::kFloat64);
  summed->to(torch::kFloat64);
  torch::Tensor seen;
  // Doubles what it is given, as two processes holding the same batch would: the energy is unchanged.
  summed->batch_sum = [&](const torch::Tensor& t) {
    seen = t.detach().clone();
    return t * 2;
  };
  const torch::Tensor x = torch::rand({2, 3, 4, 5}, torch::kFloat64) * 3;
  const torch::Tensor x1 = x.clone().requires_grad_(true), x2 = x.clone().requires_grad_(true);
  plain(x1).square().sum().backward();
  summed(x2).square().sum().backward();
  ASSERT_EQ(seen.numel(), 4);
  EXPECT_LT(test::relative_error(seen.narrow(0, 0, 3), x.square().sum({0, 2, 3})), test::kTolFloat64);
  EXPECT_EQ(seen[3].item<double>(), 40.0);
  EXPECT_LT(test::relative_error(summed->running_var, plain->running_var), test::kTolFloat64);
  // Differentiated through the sum: this process's loss has the plain gradient (the other process's share
  // would come from the sum's own backward, an all-reduce in dist::batch_sum).
  EXPECT_LT(test::relative_error(x2.grad(), x1.grad()), test::kTolFloat64);
}

TEST_F(BN0Test, EvaluationUsesTheRunningEnergy) {
  BN0 bn(BN0Options(2).eps(0.0));
  bn->to(torch::kFloat64);
  bn->eval();
  torch::NoGradGuard no_grad;
  bn->running_var.copy_(torch::tensor({8.0, 2.0}, torch::kFloat64));
  const torch::Tensor x = torch::rand({1, 2, 3, 3}, torch::kFloat64);
  const torch::Tensor y = bn(x);
  EXPECT_LT(test::relative_error(y.select(1, 0), x.select(1, 0) / 2.0), test::kTolFloat64);
  EXPECT_LT(test::relative_error(y.select(1, 1), x.select(1, 1)), test::kTolFloat64);
  EXPECT_NEAR(bn->running_var[0].item<double>(), 8.0, 0);  // unchanged in evaluation
}

TEST_F(BN0Test, GradientMatchesFiniteDifferences) {
  BN0 bn(BN0Options(2));
  bn->to(torch::kFloat64);
  const torch::Tensor x = (torch::rand({2, 2, 3, 3}, torch::kFloat64) + 0.1).requires_grad_(true);
  const torch::Tensor w = torch::randn({2, 2, 3, 3}, torch::kFloat64);
  const auto loss = [&](const torch::Tensor& input) {
    BN0 copy(BN0Options(2));
    copy->to(torch::kFloat64);
    return (copy(input) * w).sum();
  };
  const torch::Tensor g = torch::autograd::grad({loss(x)}, {x})[0];
  for (int64_t i : {0, 7, 20, 35}) {
    torch::Tensor e = torch::zeros_like(x);
    e.view(-1)[i] = 1e-6;
    const double numeric = (loss(x.detach() + e) - loss(x.detach() - e)).item<double>() / 2e-6;
    EXPECT_NEAR(g.view(-1)[i].item<double>(), numeric, 1e-6);
  }
}

TEST_F(BN0Test, PrintsAndClones) {
  BN0 bn(BN0Options(24).momentum(0.2));
  std::ostringstream printed;
  bn->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::BN0(channels=24, momentum=0.2)");
  auto copy = std::dynamic_pointer_cast<BN0Impl>(bn->clone());
  EXPECT_EQ(copy->buffers().size(), 3u);
  EXPECT_EQ(copy->parameters().size(), 2u);
}

}  // namespace
}  // namespace wavetwin::layers
