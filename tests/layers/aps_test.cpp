// tests/layers/aps_test.cpp: adaptive polyphase sampling against direct loops over its definition.
#include "wavetwin/layers/aps.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class ApsTest : public test::Seeded {};

int64_t wrap(int64_t i, int64_t n) { return (i % n + n) % n; }

// Circular binomial filtering at stride 1, one sample at a time.
torch::Tensor direct_circular_blur(const torch::Tensor& x, int64_t k) {
  const torch::Tensor f = binomial_filter(k);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), before = (k - 1) / 2;
  torch::Tensor y = torch::zeros_like(x);
  auto xa = x.accessor<double, 4>();
  auto ya = y.accessor<double, 4>();
  auto fa = f.accessor<double, 1>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j)
          for (int64_t u = 0; u < k; ++u)
            for (int64_t v = 0; v < k; ++v)
              ya[b][ch][i][j] += fa[u] * fa[v] * xa[b][ch][wrap(i + u - before, h)][wrap(j + v - before, w)];
  return y;
}

// Component (pi, pj) of sample b: y[c, i, j] = x[b, c, (s i + pi) mod H, (s j + pj) mod W].
torch::Tensor direct_component(const torch::Tensor& x, int64_t b, int64_t stride, int64_t pi, int64_t pj) {
  const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t ho = (h + stride - 1) / stride, wo = (w + stride - 1) / stride;
  torch::Tensor y = torch::zeros({c, ho, wo}, torch::kFloat64);
  auto xa = x.accessor<double, 4>();
  auto ya = y.accessor<double, 3>();
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < ho; ++i)
      for (int64_t j = 0; j < wo; ++j) ya[ch][i][j] = xa[b][ch][wrap(stride * i + pi, h)][wrap(stride * j + pj, w)];
  return y;
}

double direct_norm(const torch::Tensor& component, ApsNorm norm) {
  double v = 0;
  auto a = component.flatten();
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double e = std::abs(a[i].item<double>());
    v = norm == ApsNorm::kL2 ? v + e * e : norm == ApsNorm::kL1 ? v + e : std::max(v, e);
  }
  return v;
}

// The component of largest norm of each sample, the first one on ties: (output, indices).
std::pair<torch::Tensor, std::vector<int64_t>> direct_aps(const torch::Tensor& x, int64_t k, int64_t stride,
                                                          ApsNorm norm) {
  const torch::Tensor blurred = direct_circular_blur(x, k);
  std::vector<torch::Tensor> out;
  std::vector<int64_t> indices;
  for (int64_t b = 0; b < x.size(0); ++b) {
    int64_t best = 0;
    double best_norm = -1;
    for (int64_t p = 0; p < stride * stride; ++p) {
      const double v = direct_norm(direct_component(blurred, b, stride, p / stride, p % stride), norm);
      if (v > best_norm) best = p, best_norm = v;
    }
    indices.push_back(best);
    out.push_back(direct_component(blurred, b, stride, best / stride, best % stride));
  }
  return {torch::stack(out), indices};
}

// Components on odd, even, non-square and tiny sizes, strides 1 to 3: x[:, :, i::s, j::s] with the sides
// extended circularly, numbered i s + j.
TEST_F(ApsTest, PolyphaseComponentsByDefinition) {
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 2}, {3, 5}, {4, 6}, {7, 7}, {9, 8}}) {
    for (int64_t s : {1, 2, 3}) {
      const torch::Tensor x = torch::randn({2, 3, h, w}, torch::kFloat64);
      const torch::Tensor components = polyphase_components(x, s);
      ASSERT_EQ(components.sizes(), (std::vector<int64_t>{2, s * s, 3, (h + s - 1) / s, (w + s - 1) / s}));
      for (int64_t b = 0; b < 2; ++b)
        for (int64_t p = 0; p < s * s; ++p)
          EXPECT_TRUE(torch::equal(components[b][p], direct_component(x, b, s, p / s, p % s)))
              << h << "x" << w << " s=" << s << " p=" << p;
    }
  }
}

// The layer equals the loop (circular blur, components, per-sample argmax of the norm) in float64 to 1e-12, for
// every norm, filter sizes 1, 3 and 4, strides 2 and 3, on odd, even and non-square sizes, batch 1 and 5.
TEST_F(ApsTest, EqualsTheDirectLoop) {
  for (const ApsNorm norm : {ApsNorm::kL2, ApsNorm::kL1, ApsNorm::kLInf}) {
    for (int64_t k : {1, 3, 4}) {
      for (int64_t s : {2, 3}) {
        for (const auto& [n, h, w] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 6, 6}, {5, 7, 4}, {5, 9, 11}}) {
          const torch::Tensor x = torch::randn({n, 3, h, w}, torch::kFloat64);
          Aps aps(ApsOptions(3).filter_size(k).stride(s).norm(norm));
          aps->to(torch::kFloat64);
          const ApsOutput got = aps->forward_indexed(x);
          const auto [expected, indices] = direct_aps(x, k, s, norm);
          const std::string where = "norm=" + aps_norm_name(norm) + " k=" + std::to_string(k) + " s=" +
                                    std::to_string(s) + " " + std::to_string(h) + "x" + std::to_string(w);
          EXPECT_EQ(std::vector<int64_t>(got.indices.data_ptr<int64_t>(), got.indices.data_ptr<int64_t>() + n), indices)
              << where;
          EXPECT_LT((got.output - expected).abs().max().item<double>(), 1e-12) << where;
          EXPECT_TRUE(torch::equal(aps(x), got.output)) << where;
        }
      }
    }
  }
}

// Equal norms go to the lowest index: a constant map chooses (0, 0); a map whose components (0, 1) and (1, 0)
// tie above the others chooses (0, 1).
TEST_F(ApsTest, TiesGoToTheFirstComponent) {
  Aps aps(ApsOptions(1).filter_size(1));
  EXPECT_EQ(aps->forward_indexed(torch::ones({1, 1, 4, 4})).indices.item<int64_t>(), 0);
  torch::Tensor x = torch::zeros({1, 1, 4, 4});
  x.index_put_({0, 0, torch::indexing::Slice(0, torch::indexing::None, 2), torch::indexing::Slice(1, torch::indexing::None, 2)}, 2.0);
  x.index_put_({0, 0, torch::indexing::Slice(1, torch::indexing::None, 2), torch::indexing::Slice(0, torch::indexing::None, 2)}, 2.0);
  for (const ApsNorm norm : {ApsNorm::kL2, ApsNorm::kL1, ApsNorm::kLInf}) {
    Aps by(ApsOptions(1).filter_size(1).norm(norm));
    EXPECT_EQ(by->forward_indexed(x).indices.item<int64_t>(), 1) << aps_norm_name(norm);
  }
}

// A circular shift of an input with even sides gives each sample's output up to a circular shift of its own.
TEST_F(ApsTest, CircularShiftsMoveTheOutputOnly) {
  Aps aps(ApsOptions(4).filter_size(3));
  aps->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({3, 4, 8, 10}, torch::kFloat64);
  const torch::Tensor y = aps(x);
  for (int64_t dy = -2; dy <= 3; ++dy) {
    for (int64_t dx = -3; dx <= 2; ++dx) {
      const torch::Tensor shifted = aps(torch::roll(x, {dy, dx}, {2, 3}));
      for (int64_t n = 0; n < x.size(0); ++n) {
        bool found = false;
        for (int64_t a = 0; a < y.size(2) && !found; ++a)
          for (int64_t b = 0; b < y.size(3) && !found; ++b)
            found = (shifted[n] - torch::roll(y[n], {a, b}, {1, 2})).abs().max().item<double>() < 1e-12;
        EXPECT_TRUE(found) << "sample " << n << " shifted by (" << dy << ", " << dx << ")";
      }
    }
  }
}

// The gradient is the adjoint of the kept component's sampling and of the blur: equal to central differences
// of a weighted sum of the output with the selection held fixed (forward_with), to 1e-8.
TEST_F(ApsTest, GradientByFiniteDifferences) {
  Aps aps(ApsOptions(2).filter_size(3));
  aps->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({2, 2, 5, 4}, torch::dtype(torch::kFloat64).requires_grad(true));
  const ApsOutput down = aps->forward_indexed(x);
  const torch::Tensor weights = torch::randn_like(down.output);
  (down.output * weights).sum().backward();
  const double eps = 1e-6;
  const torch::Tensor flat = x.detach().flatten();
  for (int64_t i = 0; i < flat.numel(); ++i) {
    torch::Tensor plus = flat.clone(), minus = flat.clone();
    plus[i] += eps;
    minus[i] -= eps;
    const double fp = (aps->forward_with(plus.view_as(x), down.indices) * weights).sum().item<double>();
    const double fm = (aps->forward_with(minus.view_as(x), down.indices) * weights).sum().item<double>();
    EXPECT_NEAR(x.grad().flatten()[i].item<double>(), (fp - fm) / (2 * eps), 1e-8) << "element " << i;
  }
}

// forward_with keeps the given components, whatever their norms.
TEST_F(ApsTest, ForwardWithKeepsTheGivenComponents) {
  Aps aps(ApsOptions(3).filter_size(1));
  const torch::Tensor x = torch::randn({4, 3, 6, 6});
  const torch::Tensor indices = torch::tensor({3, 0, 2, 1}, torch::kInt64);
  const torch::Tensor y = aps->forward_with(x, indices);
  for (int64_t b = 0; b < 4; ++b) {
    const int64_t p = indices[b].item<int64_t>();
    EXPECT_TRUE(torch::equal(y[b], x[b].slice(1, p / 2, c10::nullopt, 2).slice(2, p % 2, c10::nullopt, 2)));
  }
}

TEST_F(ApsTest, HasNoTrainableParametersAndNamesItsErrors) {
  Aps aps(ApsOptions(4).filter_size(5).norm(ApsNorm::kL1));
  EXPECT_TRUE(aps->parameters().empty());
  EXPECT_EQ(aps->named_buffers()["filter"].sizes(), (std::vector<int64_t>{4, 1, 5, 5}));
  std::ostringstream printed;
  aps->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::layers::Aps(channels=4, filter_size=5, stride=2, norm=l1, padding=circular)");
  EXPECT_THROW_WITH(aps(torch::rand({1, 3, 8, 8})), "expected (N, 4, H, W)");
  EXPECT_THROW_WITH(aps->forward_with(torch::rand({2, 4, 8, 8}), torch::tensor({0}, torch::kInt64)),
                    "polyphase indices of shape [1] and type Long for 2 samples; expected int64 (2)");
  EXPECT_THROW_WITH(aps->forward_with(torch::rand({1, 4, 8, 8}), torch::tensor({4}, torch::kInt64)),
                    "polyphase indices outside [0, 4)");
  EXPECT_THROW_WITH(Aps(ApsOptions(4).stride(0)), "APS: stride=0; expected >= 1");
  EXPECT_THROW_WITH(Aps(ApsOptions(4).filter_size(9)), "expected 1 to 7");
  EXPECT_THROW_WITH(parse_aps_norm("l3"), "APS norm 'l3'; expected l2, l1 or linf");
  EXPECT_EQ(parse_aps_norm("linf"), ApsNorm::kLInf);
}

}  // namespace
}  // namespace wavetwin::layers
