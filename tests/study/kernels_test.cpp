// tests/study/kernels_test.cpp: kernel analysis on kernels whose answers are known.
#include "wavetwin/study/kernels.h"

#include "support/support.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::study {
namespace {

class KernelsTest : public test::Seeded {};

// A Gabor kernel exp(-|n|^2 / (2 sigma^2)) cos(<xi, n> + phi) of odd size, (rows, columns) around the centre.
torch::Tensor gabor(int64_t size, double xi_row, double xi_col, double sigma, double phi = 0.3) {
  const double half = (size - 1) / 2.0;
  const torch::Tensor r = torch::arange(size, torch::kFloat64).view({size, 1}) - half;
  const torch::Tensor c = torch::arange(size, torch::kFloat64).view({1, size}) - half;
  return torch::exp(-(r.square() + c.square()) / (2 * sigma * sigma)) * torch::cos(xi_row * r + xi_col * c + phi);
}

// Wide Gabor kernels (sigma 4, bandwidth ~0.25 rad) at known frequencies: the centroid is within 0.06 rad of
// the carrier, with the column frequency made positive; the structure tensor's direction follows the
// carrier (x right, y up: n ~ (xi_col, -xi_row)) with high coherence; gamma^2 is taken at m xi.
TEST_F(KernelsTest, CharacteristicFrequencyOfGaborKernels) {
  const std::vector<std::array<double, 2>> carriers = {{0.0, 1.2}, {0.8, 0.8}, {-1.0, 0.5}, {1.5, -0.4}, {0.9, 0.0}};
  std::vector<torch::Tensor> bank;
  for (const auto& [r, c] : carriers) bank.push_back(gabor(21, r, c, 4.0).unsqueeze(0));
  const torch::Tensor v = torch::stack(bank);  // (5, 1, 21, 21)
  const KernelMeasures k = analyse_kernels(v, KernelAnalysisOptions().m(2));
  for (size_t i = 0; i < carriers.size(); ++i) {
    double r = carriers[i][0], c = carriers[i][1];
    if (c < 0 || (c == 0 && r > 0)) r = -r, c = -c;  // the sign convention: xi_col > 0, or -xi_row > 0
    EXPECT_NEAR(k.frequency[i][0].item<double>(), r, 0.06) << i;
    EXPECT_NEAR(k.frequency[i][1].item<double>(), c, 0.06) << i;
    const double theta = k.orientation[i].item<double>();
    const double alignment = std::abs(std::cos(theta) * c - std::sin(theta) * r) / std::hypot(r, c);
    EXPECT_GT(alignment, 0.99) << i;
    EXPECT_GT(k.coherence[i].item<double>(), 0.8) << i;
    EXPECT_LT(k.lowpass[i].item<double>(), 0.2) << i;
    EXPECT_NEAR(k.gamma2[i].item<double>(),
                gamma_squared({2 * k.frequency[i][0].item<double>(), 2 * k.frequency[i][1].item<double>()}), 1e-12);
  }
}

// A Gabor kernel of bandwidth well under pi/m is Gabor-like (rho close to 1); a Dirac, whose spectrum is flat,
// puts into one kappa x kappa window of the half-plane its share 2 (kappa / F)^2 = 1 / (2 m^2); a constant kernel
// is low-pass.
TEST_F(KernelsTest, GaborLikenessSeparatesBandPassFromFlatSpectra) {
  // sigma 6: spectral sigma 1/6 rad, so the window of width pi/4 (m = 4) spans +-2.4 spectral sigmas.
  torch::Tensor dirac = torch::zeros({1, 1, 31, 31}, torch::kFloat64);
  dirac[0][0][15][15] = 1;
  const torch::Tensor v = torch::cat({gabor(31, 0.7, 1.3, 6.0).view({1, 1, 31, 31}), dirac,
                                      torch::ones({1, 1, 31, 31}, torch::kFloat64)});
  for (int64_t m : {2, 4}) {
    const KernelMeasures k = analyse_kernels(v, KernelAnalysisOptions().m(m));
    EXPECT_GT(k.gabor_likeness[0].item<double>(), 0.9) << m;
    EXPECT_NEAR(k.gabor_likeness[1].item<double>(), 1.0 / (2 * m * m), 0.25 / (2 * m * m)) << m;
    EXPECT_NEAR(k.lowpass[2].item<double>(), 1.0, 1e-12);
  }
}

TEST_F(KernelsTest, ColourKernelsAreSummedOverChannels) {
  const torch::Tensor g = gabor(15, 0.5, 1.0, 3.0);
  const torch::Tensor rgb = torch::stack({g, 0.5 * g, 2 * g}).unsqueeze(0);
  const KernelMeasures colour = analyse_kernels(rgb), grey = analyse_kernels(g.view({1, 1, 15, 15}));
  EXPECT_LT(test::relative_error(colour.frequency, grey.frequency), 1e-10);
  EXPECT_LT(test::relative_error(colour.gabor_likeness, grey.gabor_likeness), 1e-10);
}

TEST_F(KernelsTest, SpectraAreCentred) {
  const torch::Tensor s = kernel_spectra(torch::ones({2, 3, 5, 5}), 65);
  EXPECT_EQ(s.sizes(), (std::vector<int64_t>{2, 65, 65}));
  EXPECT_EQ(s[0].argmax().item<int64_t>(), 32 * 65 + 32);
  EXPECT_NEAR(s[0][32][32].item<double>(), 75.0, 1e-9);  // 3 channels x 25 ones
}

TEST_F(KernelsTest, BadInputIsNamed) {
  EXPECT_THROW_WITH(analyse_kernels(torch::rand({2, 5, 5})), "expected real (K, C, h, w)");
  EXPECT_THROW_WITH(analyse_kernels(torch::rand({2, 1, 2, 5})), "at least 3x3");
  EXPECT_THROW_WITH(analyse_kernels(torch::rand({2, 1, 5, 5}), KernelAnalysisOptions().m(3)),
                    "fft_size 64 for m = 3; expected a multiple of 2m");
  EXPECT_THROW_WITH(analyse_kernels(torch::rand({2, 1, 70, 70})), "fft_size 64 is smaller than the kernels");
  torch::Tensor nan = torch::rand({1, 1, 5, 5});
  nan[0][0][1][1] = std::nan("");
  EXPECT_THROW_WITH(analyse_kernels(nan), "NaN or infinity");
}

}  // namespace
}  // namespace wavetwin::study
