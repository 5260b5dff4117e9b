// tests/layers/blurpool_test.cpp: BlurPool against a direct loop.
#include "wavetwin/layers/blurpool.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class BlurPoolTest : public test::Seeded {};

// Index i of an axis of n samples, extended by the padding mode (-1 for zeros).
int64_t extend(int64_t i, int64_t n, BlurPadding padding) {
  if (i >= 0 && i < n) return i;
  if (padding == BlurPadding::kZeros) return -1;
  if (padding == BlurPadding::kCircular) return (i % n + n) % n;
  if (padding == BlurPadding::kReplicate) return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i;  // reflect without repeating the edge
}

// The definition, one output sample at a time: sum_{a,b} f[a] f[b] x[s i + a - before, s j + b - before].
torch::Tensor direct_blur(const torch::Tensor& x, int64_t k, int64_t stride, BlurPadding padding) {
  const torch::Tensor f = binomial_filter(k);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), before = (k - 1) / 2;
  const int64_t ho = (h + stride - 1) / stride, wo = (w + stride - 1) / stride;
  torch::Tensor y = torch::zeros({n, c, ho, wo}, torch::kFloat64);
  auto xa = x.accessor<double, 4>();
  auto ya = y.accessor<double, 4>();
  auto fa = f.accessor<double, 1>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j)
          for (int64_t u = 0; u < k; ++u)
            for (int64_t v = 0; v < k; ++v) {
              const int64_t r = extend(stride * i + u - before, h, padding), q = extend(stride * j + v - before, w, padding);
              if (r >= 0 && q >= 0) ya[b][ch][i][j] += fa[u] * fa[v] * xa[b][ch][r][q];
            }
  return y;
}

TEST_F(BlurPoolTest, BinomialRows) {
  EXPECT_TRUE(torch::allclose(binomial_filter(3), torch::tensor({0.25, 0.5, 0.25}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(binomial_filter(7) * 64, torch::tensor({1., 6., 15., 20., 15., 6., 1.}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(binomial_filter(1), torch::ones({1}, torch::kFloat64)));
  EXPECT_THROW_WITH(binomial_filter(0), "blur filter size 0; expected 1 to 7");
  EXPECT_THROW_WITH(binomial_filter(8), "blur filter size 8; expected 1 to 7");
}

// Every size 1..7, every padding, strides 1 to 3, odd and non-square inputs, batch 1 and 2, float64: equal to
// the direct loop to 1e-12, with ceil(N / s) outputs.
TEST_F(BlurPoolTest, EqualsTheDirectFiltering) {
  for (int64_t k = 1; k <= 7; ++k) {
    for (BlurPadding padding :
         {BlurPadding::kReflect, BlurPadding::kReplicate, BlurPadding::kZeros, BlurPadding::kCircular}) {
      for (int64_t stride : {1, 2, 3}) {
        const torch::Tensor x = torch::randn({1 + k % 2, 3, 9, 8}, torch::kFloat64);
        BlurPool blur(BlurPoolOptions(3).filter_size(k).stride(stride).padding(padding));
        const torch::Tensor y = blur(x);
        EXPECT_LT((y - direct_blur(x, k, stride, padding)).abs().max().item<double>(), 1e-12)
            << "k=" << k << " stride=" << stride << " padding=" << static_cast<int>(padding);
      }
    }
  }
}

TEST_F(BlurPoolTest, HalvesTheSizeRoundingUp) {
  for (int64_t n : {1, 2, 3, 4, 7, 112}) {
    BlurPool blur(BlurPoolOptions(2).filter_size(3).padding(BlurPadding::kReplicate));
    const torch::Tensor y = blur(torch::rand({1, 2, n, n + 1}));
    EXPECT_EQ(y.size(2), (n + 1) / 2);
    EXPECT_EQ(y.size(3), (n + 2) / 2);
  }
}

TEST_F(BlurPoolTest, HasNoTrainableParametersAndNamesItsErrors) {
  BlurPool blur(BlurPoolOptions(4).filter_size(5));
  EXPECT_TRUE(blur->parameters().empty());
  EXPECT_EQ(blur->named_buffers()["filter"].sizes(), (std::vector<int64_t>{4, 1, 5, 5}));
  EXPECT_NEAR(blur->filter[2].sum().item<double>(), 1.0, 1e-6);
  EXPECT_THROW_WITH(blur(torch::rand({1, 3, 8, 8})), "expected (N, 4, H, W)");
  EXPECT_THROW_WITH(blur(torch::rand({1, 4, 2, 8})), "reflect padding by 2 needs inputs larger than that");
  EXPECT_THROW_WITH(BlurPool(BlurPoolOptions(4).filter_size(8)), "expected 1 to 7");
  EXPECT_THROW_WITH(parse_blur_padding("mirror"), "blur padding 'mirror'; expected reflect, replicate, zeros or circular");
  EXPECT_EQ(parse_blur_padding("circular"), BlurPadding::kCircular);
  EXPECT_EQ(parse_blur_padding("zero"), BlurPadding::kZeros);
  std::ostringstream printed;
  blur->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::BlurPool(channels=4, filter_size=5, stride=2, padding=reflect)");
}

}  // namespace
}  // namespace wavetwin::layers
