// tests/study/theory_test.cpp: gamma_q against its definition (Monte-Carlo), special values, and the bounds.
#include "wavetwin/study/theory.h"

#include "support/support.h"
#include "wavetwin/error.h"

namespace wavetwin::study {
namespace {

TEST(TheoryTest, GammaAtZeroIsThreeHalves) {
  for (int64_t q : {1, 2, 3}) EXPECT_NEAR(gamma_squared({0.0, 0.0}, q), 1.5, 1e-12);
}

TEST(TheoryTest, ClosedFormMatchesMonteCarlo) {
  // 100000 stratified phases: sampling error far below the 1e-3 asked.
  for (const auto& omega : std::vector<std::array<double, 2>>{
           {0.3, 0.1}, {1.0, -2.0}, {M_PI, 0.0}, {2.2, 2.9}, {-0.7, 1.9}, {M_PI / 2, M_PI / 2}, {0.05, 3.0}}) {
    for (int64_t q : {1, 2}) {
      EXPECT_NEAR(gamma_squared(omega, q), gamma_squared_monte_carlo(omega, q, 100000, 7), 1e-3)
          << omega[0] << "," << omega[1] << " q=" << q;
    }
  }
}

TEST(TheoryTest, GammaIsEvenAndTwoPiPeriodic) {
  const std::array<double, 2> w = {0.9, -1.7};
  EXPECT_NEAR(gamma_squared(w), gamma_squared({-w[0], -w[1]}), 1e-12);
  EXPECT_NEAR(gamma_squared(w), gamma_squared({w[0] + 2 * M_PI, w[1] - 4 * M_PI}), 1e-10);
  EXPECT_NEAR(gamma_squared(w), gamma_squared({w[1], w[0]}), 1e-12);  // the square grid is symmetric
}

TEST(TheoryTest, TensorFormMatchesScalarForm) {
  const torch::Tensor omega = torch::rand({5, 7, 2}, torch::kFloat64) * 8 - 4;
  const torch::Tensor g = gamma_squared(omega, 1);
  ASSERT_EQ(g.sizes(), (std::vector<int64_t>{5, 7}));
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(g[i][3].item<double>(),
                gamma_squared({omega[i][3][0].item<double>(), omega[i][3][1].item<double>()}, 1), 1e-12);
  }
}

TEST(TheoryTest, GammaMapIsSmallAlmostEverywhereWithALatticeOfBadFrequencies) {
  const torch::Tensor map = gamma_map(2, 1, 128);
  ASSERT_EQ(map.sizes(), (std::vector<int64_t>{128, 128}));
  EXPECT_NEAR(map[64][64].item<double>(), 1.5, 1e-12);       // theta = 0
  EXPECT_NEAR(map[0][0].item<double>(), 1.5, 1e-12);         // m theta = (-2pi, -2pi) == 0
  // m theta = (-pi, 0): phases 0 (x3) and pi (x6), two arcs of pi: 3/2 - 16 / (4 pi).
  EXPECT_NEAR(map[32][64].item<double>(), 1.5 - 4 / M_PI, 1e-12);
  EXPECT_LT(map.median().item<double>(), 0.05);
}

TEST(TheoryTest, BoundsFollowTheirFormulas) {
  EXPECT_DOUBLE_EQ(beta(2, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(alpha({1.0, -2.0}), 1.5);
  const std::array<double, 2> theta = {0.4, 1.1};
  const double g = std::sqrt(gamma_squared({2 * theta[0], 2 * theta[1]}, 1));
  EXPECT_NEAR(discrepancy_bound(theta, M_PI / 8, 2), std::pow(2 * M_PI / 8 + g, 2), 1e-12);
  EXPECT_NEAR(rmax_stability_bound(theta, M_PI / 8, 2, {0, 1}), 2 * (2 * M_PI / 8 + g) + M_PI / 16, 1e-12);
  EXPECT_NEAR(cmod_stability_bound(M_PI / 4, {1, 1}), M_PI / 4, 1e-12);
  EXPECT_THROW_WITH(gamma_squared({0.0, 0.0}, 0), "q=0; expected q >= 1");
}

}  // namespace
}  // namespace wavetwin::study
