// tests/layers/hilbert_test.cpp: the 2-D Hilbert transform of kernels: Re W = V, gratings become complex
// exponentials, the masked half-plane (or quadrant) is empty, the structure-tensor orientation.
#include "wavetwin/layers/hilbert.h"

#include "support/support.h"

namespace wavetwin::layers {
namespace {

class HilbertTest : public test::Seeded {};

// cos(2 pi (kx c / w - ky r / h) + phase): a grating on DFT bins, frequency (kx / w, ky / h) in the (x, y-up) frame.
torch::Tensor grating(int64_t h, int64_t w, int64_t kx, int64_t ky, double phase) {
  const torch::Tensor r = torch::arange(h, torch::kFloat64).view({h, 1});
  const torch::Tensor c = torch::arange(w, torch::kFloat64).view({1, w});
  return torch::cos(2 * M_PI * (kx * c / w - ky * r / h) + phase).view({1, 1, h, w});
}

TEST_F(HilbertTest, RealPartIsTheKernel) {
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{7, 7}, {8, 6}, {11, 4}, {3, 3}}) {
    const torch::Tensor v = torch::randn({5, 3, h, w}, torch::kFloat64);
    const torch::Tensor k = hilbert_kernels(v);
    ASSERT_TRUE(k.is_complex());
    EXPECT_LT(test::relative_error(torch::real(k), v), 1e-12) << h << "x" << w;
  }
}

TEST_F(HilbertTest, GratingBecomesAComplexExponential) {
  const torch::Tensor v = grating(16, 16, 3, 2, 0.4);
  const torch::Tensor k = hilbert_kernels(v);
  EXPECT_LT((torch::abs(k) - 1).abs().max().item<double>(), 1e-12);
  // The structure tensor points along the grating's frequency, so Im W = sin(same phase).
  const torch::Tensor expected = torch::sin(2 * M_PI * (3 * torch::arange(16, torch::kFloat64).view({1, 16}) / 16 -
                                                         2 * torch::arange(16, torch::kFloat64).view({16, 1}) / 16) + 0.4);
  EXPECT_LT((torch::imag(k)[0][0] - expected).abs().max().item<double>(), 1e-12);
}

TEST_F(HilbertTest, MaskedHalfPlaneIsEmpty) {
  const torch::Tensor v = torch::randn({4, 2, 9, 10}, torch::kFloat64);
  const torch::Tensor theta = structure_orientation(v)[0];
  const torch::Tensor spectrum = analytic_spectrum(v);
  const torch::Tensor fx = torch::fft::fftfreq(10, torch::kFloat64).view({1, 10});
  const torch::Tensor fy = -torch::fft::fftfreq(9, torch::kFloat64).view({9, 1});
  // Bins at the Nyquist frequency of an even axis are their own negatives there: they count as the line.
  const torch::Tensor nyquist = (fx.abs() == 0.5) | (fy.abs() == 0.5);
  for (int64_t o = 0; o < 4; ++o) {
    const torch::Tensor d = std::cos(theta[o].item<double>()) * fx + std::sin(theta[o].item<double>()) * fy;
    EXPECT_EQ((spectrum[o].abs() * ((d < -1e-12) & ~nyquist)).max().item<double>(), 0.0) << "kernel " << o;
    EXPECT_GT((spectrum[o].abs() * (d > 1e-12)).max().item<double>(), 0.0);
  }
}

TEST_F(HilbertTest, ExplicitOrientationAndMaskVariants) {
  const torch::Tensor v = torch::randn({2, 1, 9, 9}, torch::kFloat64);  // odd: no Nyquist bins
  const torch::Tensor fx = torch::fft::fftfreq(9, torch::kFloat64).view({1, 9}).expand({9, 9});
  const torch::Tensor fy = -torch::fft::fftfreq(9, torch::kFloat64).view({9, 1}).expand({9, 9});
  const torch::Tensor right = analytic_spectrum(v, HilbertOptions().orientation(std::array<double, 2>{1.0, 0.0}));
  EXPECT_EQ((right.abs() * (fx < 0)).max().item<double>(), 0.0);
  const torch::Tensor closed = analytic_spectrum(
      v, HilbertOptions().orientation(std::array<double, 2>{1.0, 0.0}).mask(AnalyticMask::kClosedHalfPlane));
  const torch::Tensor plain = torch::fft::fft2(v);
  EXPECT_NEAR(std::abs(closed[0][0][0][0].item<c10::complex<double>>() - 2.0 * plain[0][0][0][0].item<c10::complex<double>>()), 0, 1e-12);
  const torch::Tensor quadrant = analytic_spectrum(
      v, HilbertOptions().orientation(std::array<double, 2>{1.0, -1.0}).mask(AnalyticMask::kQuadrant));
  EXPECT_EQ((quadrant.abs() * ((fx < 0) | (fy > 0))).max().item<double>(), 0.0);
}

TEST_F(HilbertTest, StructureTensorFindsTheGratingDirection) {
  const auto [theta, coherence] = structure_orientation(grating(15, 15, 2, 0, 0.3));  // varies along x only
  EXPECT_NEAR(std::abs(std::cos(theta[0].item<double>())), 1.0, 1e-6);
  EXPECT_NEAR(coherence[0].item<double>(), 1.0, 1e-6);
}

TEST_F(HilbertTest, KeepsFloat32AndRejectsBadInput) {
  EXPECT_EQ(hilbert_kernels(torch::randn({1, 1, 5, 5})).scalar_type(), torch::kComplexFloat);
  EXPECT_THROW_WITH(hilbert_kernels(torch::randn({1, 1, 5, 5}, torch::kComplexFloat)), "expected real (Cout, Cin, h, w)");
  EXPECT_THROW_WITH(hilbert_kernels(torch::randn({1, 1, 5, 5}), HilbertOptions().fft_size({4, 8})),
                    "expected at least the kernel size 5x5");
  EXPECT_THROW_WITH(structure_orientation(torch::randn({1, 1, 2, 5})), "expected at least 3x3");
}

}  // namespace
}  // namespace wavetwin::layers
