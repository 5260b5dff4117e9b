// tests/layers/batch_norm_test.cpp: BatchNorm2d is torch's (outputs, gradients, running statistics, state-dict
// names) without a batch sum, and with a batch sum that adds nothing (one process) computes the same through
// its shifted sums, with a momentum or the cumulative average, with or without running statistics or affine
// parameters.
#include "wavetwin/layers/batch_norm.h"

#include <torch/torch.h>

#include "support/support.h"
#include "wavetwin/layers/bn0.h"

namespace wavetwin::layers {
namespace {

class BatchNormTest : public test::Seeded {};

// Trains `layer` three steps on batches offset from zero (so that the running mean, the sums' shift, moves) and
// returns the outputs, input gradients, parameter gradients and buffers.
template <typename Norm>
std::vector<torch::Tensor> three_steps(Norm layer, const torch::nn::BatchNormOptions& options) {
  auto& bn = *layer;
  bn.to(torch::kFloat64);
  torch::manual_seed(9);
  if (options.affine()) {
    torch::NoGradGuard no_grad;
    bn.weight.copy_(torch::randn({options.num_features()}, torch::kFloat64));
    bn.bias.copy_(torch::randn({options.num_features()}, torch::kFloat64));
  }
  std::vector<torch::Tensor> results;
  for (int step = 0; step < 3; ++step) {
    const torch::Tensor x = (torch::randn({3, options.num_features(), 5, 4}, torch::kFloat64) * 3 + 10).requires_grad_(true);
    const torch::Tensor y = layer(x);
    (y * torch::randn(y.sizes(), torch::kFloat64)).sum().backward();
    results.push_back(y.detach());
    results.push_back(x.grad());
  }
  for (const auto& p : bn.named_parameters()) results.push_back(p.value().grad());
  for (const auto& b : bn.named_buffers()) results.push_back(b.value().to(torch::kFloat64));
  return results;
}

TEST_F(BatchNormTest, WithABatchSumOverOneProcessItIsTorchsBatchNorm) {
  for (const auto& options : {torch::nn::BatchNormOptions(4), torch::nn::BatchNormOptions(4).momentum(c10::nullopt),
                              torch::nn::BatchNormOptions(2).affine(false).momentum(0.3),
                              torch::nn::BatchNormOptions(3).track_running_stats(false)}) {
    const auto expected = three_steps(torch::nn::BatchNorm2d(options), options);
    BatchNorm2d plain(options);
    const auto got_plain = three_steps(plain, options);
    BatchNorm2d summed(options);
    summed->batch_sum = [](const torch::Tensor& t) { return t; };
    const auto got_summed = three_steps(summed, options);
    ASSERT_EQ(got_summed.size(), expected.size());
    ASSERT_EQ(got_plain.size(), expected.size());
    const auto names = [](const torch::nn::Module& m) {
      std::vector<std::string> keys;
      for (const auto& p : m.named_parameters()) keys.push_back(p.key());
      for (const auto& b : m.named_buffers()) keys.push_back(b.key());
      return keys;
    };
    EXPECT_EQ(names(*plain), names(*torch::nn::BatchNorm2d(options)));
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(torch::equal(got_plain[i], expected[i])) << "without a batch sum, result " << i;
      // float64; the sums are shifted by a running mean near the data's (offset 10, spread 3).
      EXPECT_LT(test::relative_error(got_summed[i], expected[i]), test::kTolFloat64) << "with a batch sum, result " << i;
    }
  }
}

TEST_F(BatchNormTest, TheBatchSumSeesTheWholeBatchsSumsAndCount) {
  BatchNorm2d bn(2);
  bn->to(torch::kFloat64);
  torch::Tensor seen;
  bn->batch_sum = [&](const torch::Tensor& t) {
    seen = t.detach().clone();
    return t;
  };
  const torch::Tensor x = torch::randn({2, 2, 3, 3}, torch::kFloat64);
  bn(x);
  ASSERT_EQ(seen.numel(), 5);  // sums of x - K and (x - K)^2 per channel (K = the zero running mean), the count
  EXPECT_LT(test::relative_error(seen.narrow(0, 0, 2), x.sum({0, 2, 3})), test::kTolFloat64);
  EXPECT_LT(test::relative_error(seen.narrow(0, 2, 2), x.square().sum({0, 2, 3})), test::kTolFloat64);
  EXPECT_EQ(seen[4].item<double>(), 18.0);
  bn->eval();
  seen = torch::Tensor();
  bn(x);
  EXPECT_FALSE(seen.defined()) << "evaluation uses the running statistics, not the batch's";
  bn->train();
  EXPECT_THROW_WITH(bn(torch::randn({1, 2, 1, 1}, torch::kFloat64)), "1 value per channel in the whole batch");
}

TEST_F(BatchNormTest, SetBatchSumReachesEveryBatchNormalisation) {
  torch::nn::ModuleList net(BatchNorm2d(3), torch::nn::ModuleList(BN0(BN0Options(3)), BatchNorm2d(3)),
                            torch::nn::BatchNorm2d(3));  // torch's own cannot be synchronised
  EXPECT_EQ(set_batch_sum(*net, [](const torch::Tensor& t) { return t; }), 3);
  EXPECT_TRUE(net[0]->as<BatchNorm2dImpl>()->batch_sum);
  EXPECT_EQ(set_batch_sum(*net, nullptr), 3);
  EXPECT_FALSE(net[0]->as<BatchNorm2dImpl>()->batch_sum);
  std::ostringstream printed;
  net[0]->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
}

}  // namespace
}  // namespace wavetwin::layers
