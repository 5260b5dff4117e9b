// tests/study/filter_study_test.cpp: the per-filter measures where the theory gives the answer.
#include "wavetwin/study/filter_study.h"

#include "support/support.h"
#include "wavetwin/study/theory.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::study {
namespace {

class FilterStudyTest : public test::Seeded {};

// cos(<omega, n> + phi) on an (h, w) grid, (rows, columns).
torch::Tensor grating(int64_t h, int64_t w, double omega_row, double omega_col, double phi) {
  const torch::Tensor r = torch::arange(h, torch::kFloat64).view({h, 1});
  const torch::Tensor c = torch::arange(w, torch::kFloat64).view({1, w});
  return torch::cos(omega_row * r + omega_col * c + phi).view({1, 1, h, w});
}

// A grating at a packet's characteristic frequency, over 24 random phases: its measured rho^2 approaches
// gamma_q(m omega)^2, m = 2^(J-1). Tolerance 0.03 (absolute): the packet is analytic to >= 99.5 %, not
// perfectly, and its response to a grating is then not of constant modulus; borders are excluded.
TEST_F(FilterStudyTest, GratingDiscrepancyFollowsGamma) {
  const int64_t levels = 2, m = 2;
  FilterStudy study(FilterStudyOptions().levels(levels).border(6));
  const auto table = wavelets::packet_table(levels);
  std::vector<torch::Tensor> batch;
  for (const int64_t p : {3, 7, 11, 15, 19, 21}) {  // interior bands of both trees
    const auto& info = table[p];
    ASSERT_FALSE(info.lowpass || info.edge);
    batch.clear();
    for (int k = 0; k < 24; ++k) {
      batch.push_back(grating(97, 98, info.freq_row, info.freq_col, torch::rand({1}).item<double>() * 2 * M_PI));
    }
    study.add(torch::cat(batch));
    const double measured = study.last_batch()[0].select(1, p).mean().item<double>();
    const double predicted = gamma_squared({m * info.freq_row, m * info.freq_col}, 1);
    EXPECT_NEAR(measured, predicted, 0.03) << "P=" << p << " (" << info.freq_row << ", " << info.freq_col << ")";
  }
}

// A band-limited image moved by one pixel: CMod's relative change stays below Theorem 2.9's alpha(kappa u),
// kappa = pi / 2^J the packets' band width. The theorem assumes kernels localised in a kappa-square of one
// half-plane; the edge packets (a band at |xi| = pi, checkerboard-like) are not, and are left out.
TEST_F(FilterStudyTest, CModStabilityRespectsTheorem29) {
  const int64_t levels = 2;
  const torch::Tensor noise = torch::randn({4, 1, 101, 101}, torch::kFloat64);
  const torch::Tensor blur = torch::ones({1, 1, 5, 5}, torch::kFloat64) / 25;  // smooth, mostly low frequencies
  const torch::Tensor images = torch::conv2d(torch::conv2d(noise, blur), blur);
  for (const Shift shift : {Shift{0, 1}, Shift{1, 0}}) {
    FilterStudy study(FilterStudyOptions().levels(levels).shift(shift).border(6));
    study.add(images);
    const double bound = cmod_stability_bound(M_PI / 4, {static_cast<double>(shift[0]), static_cast<double>(shift[1])});
    const auto& stab = study.measures().cmod_stability;
    for (size_t p = 0; p < stab.size(); ++p) {
      const auto info = wavelets::packet_info(p, levels);
      if (info.lowpass || info.edge) continue;
      EXPECT_LE(stab[p], bound) << "P=" << p;
    }
  }
}

TEST_F(FilterStudyTest, MeansAccumulateOverBatches) {
  FilterStudy study(FilterStudyOptions().levels(2));
  const torch::Tensor a = torch::rand({3, 1, 40, 41}), b = torch::rand({2, 1, 40, 41});
  study.add(a);
  const auto first = study.last_batch();
  study.add(b);
  const auto second = study.last_batch();
  EXPECT_EQ(study.measures().images, 5);
  const double expected = (first[0].select(1, 5).sum() + second[0].select(1, 5).sum()).item<double>() / 5;
  EXPECT_NEAR(study.measures().discrepancy[5], expected, 1e-12);
  EXPECT_THROW_WITH(study.add(torch::rand({1, 3, 40, 41})), "expected grey float (N, 1, H, W)");
  EXPECT_THROW_WITH(FilterStudy(FilterStudyOptions().levels(0)), "levels=0");
}

}  // namespace
}  // namespace wavetwin::study
