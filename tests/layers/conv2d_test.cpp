// tests/layers/conv2d_test.cpp: Conv2d against torch::nn::Conv2d: values, both gradients (the im2col weight
// gradient on tiny maps and torch's elsewhere), initialisation, state dict names, MACs and errors.
#include "wavetwin/layers/conv2d.h"

#include <sstream>

#include "support/support.h"
#include "wavetwin/macs.h"

namespace wavetwin::layers {
namespace {

using test::kTolFloat32;
using test::kTolFloat64;
using test::relative_error;

class Conv2dTest : public test::Seeded {};

struct Case {
  int64_t channels, outputs, kernel, stride, padding, size;
  bool bias;
  bool circular = false;
};

// Tiny output maps (1x1, 2x2, 2x1 from an odd input, a strided 3x3) take the im2col weight gradient; 3x3 and
// larger maps take torch's; circular padding on both paths. Values and both gradients equal torch::nn::Conv2d's
// with the same parameters.
TEST_F(Conv2dTest, MatchesTorchConv2dValuesAndGradients) {
  const std::vector<Case> cases = {{6, 5, 3, 1, 1, 1, false}, {7, 4, 3, 1, 1, 2, true},  {5, 3, 3, 2, 1, 3, false},
                                   {4, 6, 1, 2, 0, 3, true},  {3, 4, 3, 1, 0, 4, false}, {3, 5, 7, 2, 3, 9, false},
                                   {6, 5, 3, 1, 1, 1, false, true}, {5, 3, 3, 1, 1, 6, true, true},
                                   {3, 5, 7, 2, 3, 9, false, true}};
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    for (const Case& c : cases) {
      const auto options = torch::nn::Conv2dOptions(c.channels, c.outputs, c.kernel)
                               .stride(c.stride)
                               .padding(c.padding)
                               .bias(c.bias)
                               .padding_mode(c.circular ? torch::nn::detail::conv_padding_mode_t(torch::kCircular)
                                                        : torch::nn::detail::conv_padding_mode_t(torch::kZeros));
      Conv2d ours(options);
      torch::nn::Conv2d theirs(options);
      ours->to(dtype);
      theirs->to(dtype);
      {
        torch::NoGradGuard no_grad;
        theirs->weight.copy_(ours->weight);
        if (c.bias) theirs->bias.copy_(ours->bias);
      }
      const torch::Tensor x = torch::randn({3, c.channels, c.size, c.size + (c.size == 2 ? -1 : 0)}, dtype);
      const torch::Tensor xa = x.clone().requires_grad_(true), xb = x.clone().requires_grad_(true);
      const torch::Tensor ya = ours(xa), yb = theirs(xb);
      ASSERT_EQ(ya.sizes(), yb.sizes());
      EXPECT_LT(relative_error(ya, yb), tol) << "size " << c.size;
      const torch::Tensor g = torch::randn_like(ya);
      ya.backward(g);
      yb.backward(g);
      EXPECT_LT(relative_error(ours->weight.grad(), theirs->weight.grad()), tol) << "size " << c.size;
      EXPECT_LT(relative_error(xa.grad(), xb.grad()), tol) << "size " << c.size;
      if (c.bias) {
        EXPECT_LT(relative_error(ours->bias.grad(), theirs->bias.grad()), tol);
      }
    }
  }
}

// The first layer's input needs no gradient; the weight's is still right.
TEST_F(Conv2dTest, WeightGradientWithoutAnInputGradient) {
  Conv2d conv(torch::nn::Conv2dOptions(8, 4, 3).padding(1).bias(false));
  conv->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({2, 8, 2, 2}, torch::kFloat64);
  conv(x).sum().backward();
  torch::Tensor w = conv->weight.detach().clone().requires_grad_(true);
  torch::conv2d(x, w, {}, 1, 1).sum().backward();
  EXPECT_LT(relative_error(conv->weight.grad(), w.grad()), kTolFloat64);
}

TEST_F(Conv2dTest, InitialisedAndNamedAsTorchConv2d) {
  const auto options = torch::nn::Conv2dOptions(3, 8, 5).padding(2);
  torch::manual_seed(7);
  Conv2d ours(options);
  torch::manual_seed(7);
  torch::nn::Conv2d theirs(options);
  EXPECT_TRUE(torch::equal(ours->weight, theirs->weight));
  EXPECT_TRUE(torch::equal(ours->bias, theirs->bias));
  const auto names = [](const torch::nn::Module& m) {
    std::vector<std::string> keys;
    for (const auto& item : m.named_parameters()) keys.push_back(item.key());
    return keys;
  };
  EXPECT_EQ(names(*ours), names(*theirs));
  Conv2d plain(torch::nn::Conv2dOptions(3, 8, 3).bias(false));
  EXPECT_EQ(names(*plain), (std::vector<std::string>{"weight"}));
  const auto copy = std::dynamic_pointer_cast<Conv2dImpl>(ours->clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(torch::equal(copy->weight, ours->weight));
}

TEST_F(Conv2dTest, ReportsItsMultiplyAccumulates) {
  Conv2d conv(torch::nn::Conv2dOptions(6, 4, 3).stride(2).padding(1).groups(2));
  MacCounter counter;
  conv(torch::randn({2, 6, 9, 8}));
  EXPECT_EQ(counter.total(), 2 * 4 * 5 * 4 * (3 * 3 * 3));  // outputs x (C / g) k^2
}

TEST_F(Conv2dTest, PrintsNonDefaultSettingsAndRejectsBadInput) {
  std::ostringstream printed;
  Conv2d(torch::nn::Conv2dOptions(64, 128, 3).stride(2).padding(1).bias(false))->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::Conv2d(64, 128, kernel_size=[3, 3], stride=[2, 2], padding=[1, 1], bias=false)");
  Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3));
  EXPECT_THROW_WITH(conv(torch::randn({1, 2, 8, 8})), "input of shape [1, 2, 8, 8]; expected (N, 3, H, W)");
  Conv2d same(torch::nn::Conv2dOptions(3, 4, 3).padding(torch::kSame));
  EXPECT_THROW_WITH(same(torch::randn({1, 3, 8, 8})), "expected explicit zero or circular padding sizes");
  Conv2d reflect(torch::nn::Conv2dOptions(3, 4, 3).padding(1).padding_mode(torch::kReflect));
  EXPECT_THROW_WITH(reflect(torch::randn({1, 3, 8, 8})), "expected explicit zero or circular padding sizes");
  Conv2d circular(torch::nn::Conv2dOptions(3, 4, 5).padding(3).padding_mode(torch::kCircular));
  EXPECT_THROW_WITH(circular(torch::randn({1, 3, 2, 8})), "circular padding 3x3 of an input of shape [1, 3, 2, 8]; "
                    "expected maps at least as large as the padding");
}

}  // namespace
}  // namespace wavetwin::layers
