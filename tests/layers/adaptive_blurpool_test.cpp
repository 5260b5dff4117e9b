// tests/layers/adaptive_blurpool_test.cpp: AdaptiveBlurPool against direct loops, static blurs and finite
// differences.
#include "wavetwin/layers/adaptive_blurpool.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class AdaptiveBlurPoolTest : public test::Seeded {};

// y[c, i, j] = sum_{u,v} w[group(c) k^2 + u k + v, s i, s j] x_reflected[c, s i + u - k/2, s j + v - k/2].
torch::Tensor direct(const torch::Tensor& x, const torch::Tensor& w, int64_t k, int64_t stride) {
  const int64_t c = x.size(1), h = x.size(2), wd = x.size(3), g = w.size(1) / (k * k);
  const int64_t ho = (h + stride - 1) / stride, wo = (wd + stride - 1) / stride;
  const auto reflect = [](int64_t i, int64_t n) { return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i); };
  torch::Tensor y = torch::zeros({x.size(0), c, ho, wo}, torch::kFloat64);
  for (int64_t b = 0; b < x.size(0); ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j) {
          double sum = 0;
          const int64_t group = ch / (c / g);
          for (int64_t u = 0; u < k; ++u)
            for (int64_t v = 0; v < k; ++v) {
              sum += w[b][group * k * k + u * k + v][stride * i][stride * j].item<double>() *
                     x[b][ch][reflect(stride * i + u - k / 2, h)][reflect(stride * j + v - k / 2, wd)].item<double>();
            }
          y[b][ch][i][j] = sum;
        }
  return y;
}

TEST_F(AdaptiveBlurPoolTest, PixelFiltersEqualTheDirectSum) {
  for (int64_t stride : {1, 2}) {
    const torch::Tensor x = torch::randn({2, 4, 7, 6}, torch::kFloat64);
    const torch::Tensor w = torch::rand({2, 2 * 9, 7, 6}, torch::kFloat64);
    const torch::Tensor y = apply_pixel_filters(x, w, 3, stride, BlurPadding::kReflect);
    EXPECT_LT((y - direct(x, w, 3, stride)).abs().max().item<double>(), 1e-12) << stride;
  }
}

// A constant prediction: with a per-group softmax each filter is the k x k box, so the layer is a static box
// blur; with the joint softmax the g groups share the mass, box / g.
TEST_F(AdaptiveBlurPoolTest, ConstantPredictionIsAStaticBlur) {
  const torch::Tensor x = torch::randn({1, 8, 9, 10}, torch::kFloat64);
  const torch::Tensor box = torch::full({8, 1, 3, 3}, 1.0 / 9, torch::kFloat64);
  const std::vector<int64_t> stride{2, 2}, zeros{0, 0}, ones{1, 1};
  const torch::Tensor expected =
      torch::conv2d(blur_pad(x, 1, 1, BlurPadding::kReflect), box, torch::Tensor(), stride, zeros, ones, 8);
  for (bool joint : {false, true}) {
    AdaptiveBlurPool blur(AdaptiveBlurPoolOptions(8).groups(4).joint_softmax(joint));
    blur->to(torch::kFloat64);
    torch::NoGradGuard no_grad;
    blur->conv->weight.zero_();
    const torch::Tensor y = blur(x);
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 8, 5, 5}));
    EXPECT_LT((y - expected / (joint ? 4.0 : 1.0)).abs().max().item<double>(), 1e-12) << joint;
  }
}

// Gradients in the input and in the prediction convolution match central differences (float64, 1e-6).
TEST_F(AdaptiveBlurPoolTest, GradientsMatchFiniteDifferences) {
  AdaptiveBlurPool blur(AdaptiveBlurPoolOptions(4).groups(2));
  blur->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({2, 4, 5, 6}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor probe = torch::randn({2, 4, 3, 3}, torch::kFloat64);
  const auto loss = [&] { return (blur(x) * probe).sum(); };
  loss().backward();
  const torch::Tensor gx = x.grad().clone(), gw = blur->conv->weight.grad().clone();
  const double eps = 1e-6;
  torch::NoGradGuard no_grad;
  for (const auto& [tensor, grad] : {std::pair{x, gx}, std::pair{blur->conv->weight, gw}}) {
    auto flat = tensor.view({-1});
    for (int64_t i = 0; i < flat.numel(); i += std::max<int64_t>(1, flat.numel() / 23)) {
      const double saved = flat[i].item<double>();
      flat[i] = saved + eps;
      const double up = loss().item<double>();
      flat[i] = saved - eps;
      const double down = loss().item<double>();
      flat[i] = saved;
      EXPECT_NEAR(grad.view({-1})[i].item<double>(), (up - down) / (2 * eps), 1e-6) << i;
    }
  }
}

TEST_F(AdaptiveBlurPoolTest, BadOptionsAndInputsAreNamed) {
  EXPECT_THROW_WITH(AdaptiveBlurPool(AdaptiveBlurPoolOptions(12).groups(8)), "channels=12, groups=8");
  EXPECT_THROW_WITH(AdaptiveBlurPool(AdaptiveBlurPoolOptions(8).kernel_size(4)), "kernel_size=4; expected an odd");
  AdaptiveBlurPool blur(AdaptiveBlurPoolOptions(8));
  EXPECT_THROW_WITH(blur(torch::rand({1, 4, 8, 8})), "expected (N, 8, H, W)");
  EXPECT_EQ(blur->conv->weight.sizes(), (std::vector<int64_t>{72, 8, 3, 3}));
  std::ostringstream printed;
  blur->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::AdaptiveBlurPool(channels=8, kernel_size=3, stride=2, groups=8, "
                           "joint softmax)");
}

}  // namespace
}  // namespace wavetwin::layers
