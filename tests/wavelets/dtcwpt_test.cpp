// tests/wavelets/dtcwpt_test.cpp: the 2-D and 1-D DT-CWPT against the reference test vectors, the numpy
// oracle, the separable path, identities (adjoint, perfect reconstruction), gradients and errors.
#include "wavetwin/wavelets/dtcwpt.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/support.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/macs.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets {
namespace {

using test::kTolFloat32;
using test::kTolFloat64;
using test::relative_error;

class DtCwptTest : public test::Seeded {};

torch::Tensor filters64() { return dual_tree_filter_tensor("qshift_a"); }

// The reference test vectors' input: x[r, c] = sin(0.3 r + 0.1) cos(0.7 c) + ((31 r + 17 c) mod 13) / 13.
torch::Tensor vector_input(int64_t h, int64_t w) {
  torch::Tensor x = torch::empty({1, 1, h, w}, torch::kFloat64);
  auto a = x.accessor<double, 4>();
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) a[0][0][r][c] = std::sin(0.3 * r + 0.1) * std::cos(0.7 * c) + ((31 * r + 17 * c) % 13) / 13.0;
  }
  return x;
}

// Minimal reader of the test-vector JSON: the numbers of array `key` in the case starting at `from`.
std::vector<double> json_array(const std::string& text, size_t from, const std::string& key) {
  const size_t at = text.find("\"" + key + "\"", from);
  const size_t open = text.find('[', at), close = text.find(']', open);
  std::stringstream in(text.substr(open + 1, close - open - 1));
  std::vector<double> values;
  std::string item;
  while (std::getline(in, item, ',')) values.push_back(std::stod(item));
  return values;
}

TEST_F(DtCwptTest, MatchesReferenceTestVectors) {
  const std::string shared = test::shared_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/testvectors is absent";
  std::ifstream file(shared + "/testvectors/dtcwpt-reference.json");
  ASSERT_TRUE(file.good());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  size_t pos = text.find("\"cases\"");
  int cases = 0;
  while ((pos = text.find("\"J\"", pos + 1)) != std::string::npos) {
    const auto ints = [&](const std::string& key) {
      const size_t at = text.find("\"" + key + "\"", pos);
      return std::stoll(text.substr(text.find(':', at) + 1));
    };
    const int64_t levels = ints("J"), stride = ints("stride"), h = ints("H"), w = ints("W");
    EXPECT_EQ(reference_padding(levels, stride, 10), ints("padding"));
    const torch::Tensor y = dtcwpt2d(vector_input(h, w), filters64(), DtCwptOptions(levels).stride(stride))[0];
    const auto sums = json_array(text, pos, "sum"), sumsq = json_array(text, pos, "sumsq"),
               vals = json_array(text, pos, "val_3_5");
    ASSERT_EQ(static_cast<int64_t>(sums.size()), y.size(0));
    for (int64_t ch = 0; ch < y.size(0); ++ch) {
      EXPECT_NEAR(y[ch].sum().item<double>(), sums[ch], 1e-9 * std::max(1.0, std::abs(sums[ch]))) << "channel " << ch;
      EXPECT_NEAR(y[ch].square().sum().item<double>(), sumsq[ch], 1e-9 * std::max(1.0, sumsq[ch])) << "channel " << ch;
      EXPECT_NEAR(y[ch][3][5].item<double>(), vals[ch], 1e-9) << "channel " << ch;
    }
    ++cases;
  }
  EXPECT_EQ(cases, 3);
}

}  // namespace
}  // namespace wavetwin::wavelets

namespace wavetwin::wavelets {
namespace {

struct Config {
  int64_t levels, stride, height, width;
  Padding padding;
  bool full;
};

std::string numpy_mode(Padding p) {
  return p == Padding::kSymmetric ? "symmetric" : (p == Padding::kPeriodic ? "wrap" : "constant");
}

// Runs tests/oracles/dtcwpt.py on x; returns the oracle's coefficients.
torch::Tensor oracle(const torch::Tensor& x, const DtCwptOptions& o, int64_t dims) {
  const std::string dir = test::temp_dir();
  data::save_tensor(dir + "/in.pt", x.to(torch::kFloat64));
  std::vector<std::string> args = {dir + "/in.pt", dir + "/out.pt", std::to_string(dims), std::to_string(o.levels()),
                                   std::to_string(o.stride() == 0 ? int64_t{1} << o.levels() : o.stride()),
                                   o.filters(), numpy_mode(o.padding())};
  for (int64_t a = 0; a < dims; ++a) {
    const AxisPadding pad = dtcwpt_padding(x.size(2 + a), o);
    args.push_back(std::to_string(pad.before));
    args.push_back(std::to_string(pad.after));
  }
  std::string output;
  EXPECT_EQ(test::run_python("tests/oracles/dtcwpt.py", args, &output), 0) << output;
  const torch::Tensor y = data::load_tensor(dir + "/out.pt");
  std::filesystem::remove_all(dir);
  return y;
}

TEST_F(DtCwptTest, MatchesNumpyOracleForDepthsStridesAndAwkwardSizes) {
  WAVETWIN_REQUIRE_PYTHON("numpy", "torch", "dtcwt");
  const std::vector<Config> configs = {
      {1, 1, 13, 9, Padding::kZeros, false},  {1, 2, 17, 22, Padding::kZeros, false},
      {2, 1, 11, 14, Padding::kZeros, false}, {2, 2, 21, 18, Padding::kZeros, false},
      {2, 4, 19, 25, Padding::kZeros, true},  {3, 2, 23, 20, Padding::kSymmetric, false},
      {3, 4, 33, 29, Padding::kZeros, false}, {3, 8, 16, 24, Padding::kPeriodic, false},
      {3, 1, 9, 10, Padding::kPeriodic, false}, {4, 16, 16, 32, Padding::kPeriodic, false},
      {4, 8, 35, 30, Padding::kZeros, false}, {2, 2, 41, 36, Padding::kNone, false},
      {4, 1, 7, 6, Padding::kZeros, false},   {4, 2, 10, 13, Padding::kSymmetric, false},
      {4, 4, 12, 9, Padding::kZeros, false},
  };
  for (const Config& c : configs) {
    const auto o = DtCwptOptions(c.levels).stride(c.stride).padding(c.padding).full(c.full).in_channels(2);
    const torch::Tensor x = torch::randn({2, 2, c.height, c.width}, torch::kFloat64);
    const torch::Tensor expected = oracle(x, o, 2);
    const torch::Tensor got = dtcwpt2d(x, filters64(), o);
    ASSERT_EQ(got.sizes(), expected.sizes()) << "J=" << c.levels << " S=" << c.stride;
    EXPECT_LT(relative_error(got, expected), kTolFloat64) << "J=" << c.levels << " S=" << c.stride << " "
                                                          << padding_name(c.padding);
    const torch::Tensor got32 = dtcwpt2d(x.to(torch::kFloat32), filters64(), o);
    EXPECT_EQ(got32.scalar_type(), torch::kFloat32);
    EXPECT_LT(relative_error(got32, expected), kTolFloat32) << "J=" << c.levels << " S=" << c.stride;
  }
}

TEST_F(DtCwptTest, OneDimensionalMatchesNumpyOracle) {
  WAVETWIN_REQUIRE_PYTHON("numpy", "torch", "dtcwt");
  for (const Config& c : std::vector<Config>{{1, 2, 31, 0, Padding::kZeros, false},
                                             {2, 2, 45, 0, Padding::kZeros, false},
                                             {3, 4, 64, 0, Padding::kPeriodic, false},
                                             {4, 4, 77, 0, Padding::kSymmetric, false},
                                             {3, 8, 50, 0, Padding::kZeros, true}}) {
    const auto o = DtCwptOptions(c.levels).stride(c.stride).padding(c.padding).full(c.full).in_channels(3);
    const torch::Tensor x = torch::randn({2, 3, c.height}, torch::kFloat64);
    const torch::Tensor expected = oracle(x, o, 1);
    const torch::Tensor got = dtcwpt1d(x, filters64(), o);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_LT(relative_error(got, expected), kTolFloat64) << "J=" << c.levels;
  }
}

TEST_F(DtCwptTest, FastPathMatchesSeparablePath) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    for (const auto& [levels, stride, h, w] : std::vector<std::array<int64_t, 4>>{
             {1, 2, 7, 5}, {2, 2, 32, 32}, {2, 1, 15, 21}, {3, 4, 37, 45}, {3, 2, 30, 28}, {4, 16, 40, 33}}) {
      const auto o = DtCwptOptions(levels).stride(stride).in_channels(3);
      const torch::Tensor x = torch::randn({2, 3, h, w}, dtype);
      const torch::Tensor fast = dtcwpt2d(x, filters64(), o);
      const torch::Tensor plain = detail::dtcwpt2d_separable(detail::pad_input(x, o, 2), filters64(), o);
      EXPECT_LT(relative_error(fast, plain), tol) << "J=" << levels << " S=" << stride;
    }
  }
}

TEST_F(DtCwptTest, OutputShapesFollowTheReferenceFormula) {
  const torch::Tensor x = torch::randn({1, 1, 224, 224});
  EXPECT_EQ(dtcwpt2d(x, filters64(), DtCwptOptions(2).stride(2)).sizes(), (std::vector<int64_t>{1, 64, 112, 112}));
  EXPECT_EQ(dtcwpt2d(x, filters64(), DtCwptOptions(3).stride(4)).sizes(), (std::vector<int64_t>{1, 256, 57, 57}));
  EXPECT_EQ(dtcwpt2d(x, filters64(), DtCwptOptions(3).stride(2)).sizes(), (std::vector<int64_t>{1, 256, 114, 114}));
  EXPECT_EQ(dtcwpt2d(torch::randn({5, 1, 32, 32}), filters64(), DtCwptOptions(2).stride(2)).sizes(),
            (std::vector<int64_t>{5, 64, 16, 16}));
  EXPECT_EQ(reference_padding(2, 2, 10), 14);
  EXPECT_EQ(reference_padding(3, 4, 10), 34);
  EXPECT_EQ(reference_padding(3, 2, 10), 34);
}

TEST_F(DtCwptTest, ComplexOutputHoldsTheInterleavedChannels) {
  const auto o = DtCwptOptions(2).stride(2).in_channels(2);
  const torch::Tensor x = torch::randn({3, 2, 20, 17}, torch::kFloat64);
  const torch::Tensor real = dtcwpt2d(x, filters64(), o);
  const torch::Tensor z = dtcwpt2d(x, filters64(), DtCwptOptions(o).complex(true));
  ASSERT_TRUE(z.is_complex());
  ASSERT_EQ(z.size(1), real.size(1) / 2);
  EXPECT_TRUE(torch::equal(torch::real(z), real.slice(1, 0, c10::nullopt, 2)));
  EXPECT_TRUE(torch::equal(torch::imag(z), real.slice(1, 1, c10::nullopt, 2)));
}

double inner_product(const torch::Tensor& a, const torch::Tensor& b) { return (a * b).sum().item<double>(); }

TEST_F(DtCwptTest, AdjointSatisfiesTheInnerProductIdentity) {
  for (const Padding padding : {Padding::kZeros, Padding::kSymmetric, Padding::kPeriodic}) {
    const auto o = DtCwptOptions(3).stride(2).padding(padding).in_channels(2);
    const torch::Tensor x = torch::randn({2, 2, 27, 19}, torch::kFloat64);
    const torch::Tensor y = dtcwpt2d(x, filters64(), o);
    const torch::Tensor g = torch::randn_like(y);
    const double lhs = inner_product(y, g);
    const double rhs = inner_product(x, dtcwpt2d_adjoint(g, filters64(), o, 27, 19));
    EXPECT_NEAR(lhs, rhs, 1e-10 * std::abs(lhs)) << padding_name(padding);
  }
}

TEST_F(DtCwptTest, PerfectReconstructionPeriodicAndFullZeros) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    for (const auto& [levels, h, w] : std::vector<std::array<int64_t, 3>>{{1, 6, 10}, {2, 12, 20}, {3, 16, 40}, {4, 32, 16}}) {
      const auto o = DtCwptOptions(levels).padding(Padding::kPeriodic).in_channels(2);
      const torch::Tensor x = torch::randn({2, 2, h, w}, dtype);
      EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(x, filters64(), o), filters64(), o, h, w), x), tol)
          << "periodic J=" << levels;
    }
    for (const auto& [levels, h, w] : std::vector<std::array<int64_t, 3>>{{1, 7, 5}, {2, 13, 22}, {3, 31, 17}, {4, 9, 50}}) {
      const auto o = DtCwptOptions(levels).full(true);
      const torch::Tensor x = torch::randn({1, 1, h, w}, dtype);
      EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(x, filters64(), o), filters64(), o, h, w), x), tol)
          << "full zeros J=" << levels << " " << h << "x" << w;
    }
  }
}

TEST_F(DtCwptTest, PerfectReconstructionOfANaturalImage) {
  const torch::Tensor image = data::read_image(test::source_path("tests/fixtures/image/natural_gray.png"));
  const torch::Tensor x = data::to_float_chw(image).to(torch::kFloat64).unsqueeze(0);  // (1, 1, 97, 131)
  const int64_t h = x.size(2), w = x.size(3);
  for (const auto& o : {DtCwptOptions(3).full(true), DtCwptOptions(2).padding(Padding::kPeriodic)}) {
    const torch::Tensor xi = o.padding() == Padding::kPeriodic ? x.narrow(2, 0, h / 4 * 4).narrow(3, 0, w / 4 * 4) : x;
    const torch::Tensor back = idtcwpt2d(dtcwpt2d(xi, filters64(), o), filters64(), o, xi.size(2), xi.size(3));
    EXPECT_LT(relative_error(back, xi), kTolFloat64);
    const torch::Tensor x32 = xi.to(torch::kFloat32);
    EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(x32, filters64(), o), filters64(), o, xi.size(2), xi.size(3)), x32),
              kTolFloat32);
  }
}

TEST_F(DtCwptTest, OneDimensionalPerfectReconstruction) {
  for (const int64_t levels : {1, 2, 3, 5}) {
    const int64_t n = int64_t{3} << levels;
    const auto periodic = DtCwptOptions(levels).padding(Padding::kPeriodic);
    const torch::Tensor x = torch::randn({2, 1, n}, torch::kFloat64);
    EXPECT_LT(relative_error(idtcwpt1d(dtcwpt1d(x, filters64(), periodic), filters64(), periodic, n), x), kTolFloat64);
    const auto full = DtCwptOptions(levels).full(true);
    const torch::Tensor odd = torch::randn({1, 1, 2 * n + 1}, torch::kFloat64);
    EXPECT_LT(relative_error(idtcwpt1d(dtcwpt1d(odd, filters64(), full), filters64(), full, 2 * n + 1), odd),
              kTolFloat64);
  }
}

TEST_F(DtCwptTest, GradientIsTheAdjointAndPassesFiniteDifferences) {
  const auto o = DtCwptOptions(2).stride(2);
  const torch::Tensor x = torch::randn({1, 1, 9, 8}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor y = dtcwpt2d(x, filters64(), o);
  const torch::Tensor g = torch::randn_like(y);
  const torch::Tensor grad = torch::autograd::grad({y}, {x}, {g})[0];
  EXPECT_LT(relative_error(grad, dtcwpt2d_adjoint(g, filters64(), o, 9, 8)), kTolFloat64);
  // Central differences of <T x, g> along a few coordinates (the map is linear: exact up to round-off).
  const torch::Tensor base = x.detach();
  for (int64_t i : {0, 17, 40, 71}) {
    torch::Tensor e = torch::zeros_like(base);
    e.view(-1)[i] = 1e-3;
    const double plus = inner_product(dtcwpt2d(base + e, filters64(), o), g);
    const double minus = inner_product(dtcwpt2d(base - e, filters64(), o), g);
    EXPECT_NEAR((plus - minus) / 2e-3, grad.view(-1)[i].item<double>(), 1e-8);
  }
}

TEST_F(DtCwptTest, FilterGradientsPassGradcheck) {
  const auto o = DtCwptOptions(2).stride(2);
  const torch::Tensor filters = filters64().requires_grad_(true);
  const torch::Tensor x = torch::randn({1, 1, 8, 7}, torch::kFloat64);
  const torch::Tensor g = torch::randn_like(dtcwpt2d(x, filters64(), o));
  const torch::Tensor grad = torch::autograd::grad({dtcwpt2d(x, filters, o)}, {filters}, {g})[0];
  for (int64_t i : {0, 13, 26, 39}) {
    torch::Tensor e = torch::zeros_like(filters64());
    e.view(-1)[i] = 1e-5;
    const double plus = inner_product(dtcwpt2d(x, filters64() + e, o), g);
    const double minus = inner_product(dtcwpt2d(x, filters64() - e, o), g);
    EXPECT_NEAR((plus - minus) / 2e-5, grad.view(-1)[i].item<double>(), 1e-6 * std::max(1.0, std::abs(plus)));
  }
}

TEST_F(DtCwptTest, InverseIsDifferentiable) {
  const auto o = DtCwptOptions(2).padding(Padding::kPeriodic);
  const torch::Tensor y = dtcwpt2d(torch::randn({1, 1, 8, 8}, torch::kFloat64), filters64(), o).requires_grad_(true);
  const torch::Tensor x = idtcwpt2d(y, filters64(), o, 8, 8);
  const torch::Tensor g = torch::randn_like(x);
  const torch::Tensor grad = torch::autograd::grad({x}, {y}, {g})[0];
  EXPECT_LT(relative_error(grad, dtcwpt2d(g, filters64(), o) / 8.0), kTolFloat64);
}

// Re of every packet, channel c * 2 * 4^J + P, from the interleaved (N, C * 4 * 4^J, H, W) output.
torch::Tensor real_channels(const torch::Tensor& interleaved) { return interleaved.slice(1, 0, c10::nullopt, 2); }

TEST_F(DtCwptTest, RealOnlyEqualsTheRealChannelsOnBothPaths) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    for (const auto& [levels, stride, h, w] : std::vector<std::array<int64_t, 4>>{
             {1, 2, 7, 5}, {2, 2, 32, 32}, {2, 1, 15, 21}, {3, 4, 37, 45}, {3, 2, 30, 28}, {4, 16, 40, 33}}) {
      const auto o = DtCwptOptions(levels).stride(stride).in_channels(3);
      const torch::Tensor x = torch::randn({2, 3, h, w}, dtype);
      const torch::Tensor full = dtcwpt2d(x, filters64(), o);
      const torch::Tensor fast = dtcwpt2d(x, filters64(), DtCwptOptions(o).real_only(true));
      ASSERT_EQ(fast.size(1), full.size(1) / 2);
      EXPECT_LT(relative_error(fast, real_channels(full)), tol) << "J=" << levels << " S=" << stride;
      const torch::Tensor plain =
          detail::dtcwpt2d_separable(detail::pad_input(x, o, 2), filters64(), DtCwptOptions(o).real_only(true));
      EXPECT_LT(relative_error(plain, fast), tol) << "separable J=" << levels << " S=" << stride;
    }
    const auto o1 = DtCwptOptions(3).stride(2).in_channels(2);
    const torch::Tensor x1 = torch::randn({3, 2, 41}, dtype);
    const torch::Tensor line = dtcwpt1d(x1, filters64(), DtCwptOptions(o1).real_only(true));
    EXPECT_LT(relative_error(line, real_channels(dtcwpt1d(x1, filters64(), o1))), tol);
    EXPECT_LT(relative_error(detail::dtcwpt1d_separable(detail::pad_input(x1, o1, 1), filters64(),
                                                        DtCwptOptions(o1).real_only(true)),
                             line),
              tol);
  }
}

TEST_F(DtCwptTest, RealOnlyGradientIsTheAdjointOfTheRealChannels) {
  const auto o = DtCwptOptions(2).stride(2).in_channels(2).real_only(true);
  const torch::Tensor x = torch::randn({2, 2, 19, 14}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor y = dtcwpt2d(x, filters64(), o);
  const torch::Tensor g = torch::randn_like(y);
  const torch::Tensor grad = torch::autograd::grad({y}, {x}, {g})[0];
  // The same gradient through the full transform with zero gradient on every imaginary part.
  const torch::Tensor interleaved = torch::stack({g, torch::zeros_like(g)}, 2).flatten(1, 2);
  const auto full = DtCwptOptions(o).real_only(false);
  EXPECT_LT(relative_error(grad, dtcwpt2d_adjoint(interleaved, filters64(), full, 19, 14)), kTolFloat64);
  EXPECT_LT(relative_error(grad, dtcwpt2d_adjoint(g, filters64(), o, 19, 14)), kTolFloat64);
  EXPECT_NEAR(inner_product(y, g), inner_product(x.detach(), grad), 1e-10 * std::abs(inner_product(y, g)));
}

// On a grid, the transform equals the stride-S transform's samples there (the whole output, or every d-th
// sample from an offset), for every padding, complex or real parts alone, and its gradient is the sampled
// transform's: the window it cuts from the extended input is exact.
TEST_F(DtCwptTest, OnGridEqualsTheSampledTransform) {
  struct Case {
    int64_t levels, stride;
    Padding padding;
    bool full;
    int64_t h, w, d, row, col;
  };
  for (const Case& c : {Case{2, 2, Padding::kZeros, false, 23, 18, 1, 0, 0},
                        Case{2, 2, Padding::kZeros, false, 40, 37, 2, 1, 3},
                        Case{3, 2, Padding::kZeros, false, 45, 38, 4, 2, 1},
                        Case{3, 4, Padding::kSymmetric, false, 41, 50, 2, 1, 0},
                        Case{2, 1, Padding::kPeriodic, false, 17, 22, 4, 3, 2},
                        Case{2, 2, Padding::kZeros, true, 19, 26, 2, 0, 1},
                        Case{1, 1, Padding::kNone, false, 16, 19, 2, 1, 1}}) {
    for (const bool real_only : {false, true}) {
      const auto o = DtCwptOptions(c.levels).stride(c.stride).padding(c.padding).full(c.full).in_channels(2)
                         .real_only(real_only);
      const torch::Tensor x = torch::randn({2, 2, c.h, c.w}, torch::kFloat64).requires_grad_(true);
      const torch::Tensor sampled = dtcwpt2d(x, filters64(), o)
                                        .slice(2, c.row, c10::nullopt, c.d)
                                        .slice(3, c.col, c10::nullopt, c.d);
      const SampleGrid grid{c.stride * c.row, c.stride * c.col, c.stride * c.d, sampled.size(2), sampled.size(3)};
      const torch::Tensor got = dtcwpt2d_on_grid(x, filters64(), o, grid);
      const std::string name = "J=" + std::to_string(c.levels) + " S=" + std::to_string(c.stride) + " d=" +
                               std::to_string(c.d) + " " + padding_name(c.padding) + (real_only ? " real" : "");
      ASSERT_EQ(got.sizes(), sampled.sizes()) << name;
      EXPECT_LT(relative_error(got, sampled), kTolFloat64) << name;
      const torch::Tensor g = torch::randn_like(got);
      EXPECT_LT(relative_error(torch::autograd::grad({got}, {x}, {g})[0], torch::autograd::grad({sampled}, {x}, {g})[0]),
                kTolFloat64)
          << name;
    }
  }
  const auto whole = dtcwpt2d_grid(30, 21, DtCwptOptions(3).stride(4), 2);
  EXPECT_EQ(std::vector<int64_t>({whole.origin_row, whole.origin_col, whole.step, whole.rows, whole.cols}),
            std::vector<int64_t>({0, 0, 8, (dtcwpt_output_length(30, DtCwptOptions(3).stride(4)) + 1) / 2,
                                  (dtcwpt_output_length(21, DtCwptOptions(3).stride(4)) + 1) / 2}));
  const torch::Tensor x = torch::randn({1, 1, 20, 20}, torch::kFloat64);
  EXPECT_THROW_WITH(dtcwpt2d_on_grid(x, filters64(), DtCwptOptions(2).stride(2), SampleGrid{2, 0, 2, 24, 3}),
                    "gives 9 samples at step 2 from offset 2; the grid needs 24");
  EXPECT_THROW_WITH(dtcwpt2d_on_grid(x, filters64(), DtCwptOptions(2).stride(2), SampleGrid{0, 0, 2, 0, 3}),
                    "expected a non-negative origin and at least one sample");
}

TEST_F(DtCwptTest, RealPartsAloneReconstruct) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    for (const auto& [levels, h, w] : std::vector<std::array<int64_t, 3>>{{1, 6, 10}, {2, 12, 20}, {3, 16, 40}}) {
      const auto o = DtCwptOptions(levels).padding(Padding::kPeriodic).real_only(true);
      const torch::Tensor x = torch::randn({2, 1, h, w}, dtype);
      EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(x, filters64(), o), filters64(), o, h, w), x), tol)
          << "periodic J=" << levels;
      const auto full = DtCwptOptions(levels).full(true).real_only(true);
      const torch::Tensor odd = torch::randn({1, 1, h + 1, w - 1}, dtype);
      EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(odd, filters64(), full), filters64(), full, h + 1, w - 1), odd), tol)
          << "full zeros J=" << levels;
      const auto line = DtCwptOptions(levels).padding(Padding::kPeriodic).real_only(true);
      const torch::Tensor x1 = torch::randn({2, 1, w}, dtype);
      EXPECT_LT(relative_error(idtcwpt1d(dtcwpt1d(x1, filters64(), line), filters64(), line, w), x1), tol)
          << "1-D J=" << levels;
    }
  }
}

// One level along 16 samples, no padding: 2 trees x (low, high) x 3 outputs x 12 taps; 2-D: 4 row maps of 3
// rows x 16 columns, then 2 trees x 2 x 3 x 12 along each of their 3 rows; the real parts alone need half of
// the second part.
TEST_F(DtCwptTest, ReportsItsMultiplyAccumulates) {
  const auto o = DtCwptOptions(1).padding(Padding::kNone);
  MacCounter line;
  dtcwpt1d(torch::zeros({2, 1, 16}), filters64(), o);
  EXPECT_EQ(line.total(), 2 * 144);
  MacCounter image;
  dtcwpt2d(torch::zeros({1, 1, 16, 16}), filters64(), o);
  EXPECT_EQ(image.total(), 4 * 3 * 16 * 12 + 4 * (144 * 3));
  MacCounter real;
  dtcwpt2d(torch::zeros({1, 1, 16, 16}), filters64(), DtCwptOptions(o).real_only(true));
  EXPECT_EQ(real.total(), 4 * 3 * 16 * 12 + 4 * (144 * 3) / 2);
}

TEST_F(DtCwptTest, RejectsBadArguments) {
  const torch::Tensor x = torch::randn({1, 1, 32, 32});
  EXPECT_THROW_WITH(dtcwpt2d(x, filters64(), DtCwptOptions(0)), "levels=0");
  EXPECT_THROW_WITH(dtcwpt2d(x, filters64(), DtCwptOptions(2).stride(3)), "stride=3; expected a power of two");
  EXPECT_THROW_WITH(dtcwpt2d(x, filters64(), DtCwptOptions(2).stride(8)), "<= 2^levels = 4");
  EXPECT_THROW_WITH(dtcwpt2d(torch::randn({1, 3, 32, 32}), filters64(), DtCwptOptions(2)), "3 channels; expected in_channels=1");
  EXPECT_THROW_WITH(dtcwpt2d(torch::randn({32, 32}), filters64(), DtCwptOptions(2)), "expected (N, C, H, W)");
  EXPECT_THROW_WITH(dtcwpt2d(torch::randn({1, 1, 8, 40}), filters64(), DtCwptOptions(2).padding(Padding::kNone)),
                    "input size 8 is too small");
  EXPECT_THROW_WITH(dtcwpt2d(x.to(torch::kInt32), filters64(), DtCwptOptions(2)), "expected float32 or float64");
  EXPECT_THROW_WITH(DtCwpt2d(DtCwptOptions(2).filters("qshift_z")), "unknown Q-shift bank 'qshift_z'");
  EXPECT_THROW_WITH(idtcwpt2d(dtcwpt2d(x, filters64(), DtCwptOptions(2)), filters64(), DtCwptOptions(2), 32, 32),
                    "drops border coefficients");
  EXPECT_THROW_WITH(idtcwpt2d(x, filters64(), DtCwptOptions(2).stride(2).full(true), 32, 32), "is redundant");
  EXPECT_THROW_WITH(idtcwpt2d(x, filters64(), DtCwptOptions(2).padding(Padding::kPeriodic), 30, 32),
                    "expected multiples of 2^levels = 4");
  EXPECT_THROW_WITH(dtcwpt2d(x, filters64(), DtCwptOptions(2).padding(Padding::kSymmetric).full(true)),
                    "expected padding 'zeros'");
  EXPECT_THROW_WITH(dtcwpt2d(x, filters64(), DtCwptOptions(2).complex(true).real_only(true)),
                    "expected at most one of them");
  EXPECT_THROW_WITH(dtcwpt2d_adjoint(torch::randn({1, 64, 8, 8}), filters64(), DtCwptOptions(2).real_only(true), 32, 32),
                    "expected 32 real channels");
}

TEST_F(DtCwptTest, ModulePrintsItselfAndKeepsBuffersThroughCloneAndTo) {
  DtCwpt2d xfm(DtCwptOptions(3).stride(4));
  std::ostringstream printed;
  xfm->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::wavelets::DtCwpt2d(levels=3, stride=4)");
  DtCwpt2d other(DtCwptOptions(2).padding(Padding::kPeriodic).complex(true).in_channels(3));
  std::ostringstream printed_other;
  other->pretty_print(printed_other);
  EXPECT_EQ(printed_other.str(),
            "wavetwin::wavelets::DtCwpt2d(levels=2, stride=4, padding=periodic, in_channels=3, complex=true)");
  EXPECT_EQ(xfm->buffers().size(), 1u);
  EXPECT_EQ(xfm->parameters().size(), 0u);
  auto copy = std::dynamic_pointer_cast<DtCwpt2dImpl>(xfm->clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(torch::equal(copy->filters, xfm->filters));
  xfm->to(torch::kFloat32);
  EXPECT_EQ(xfm->filters.scalar_type(), torch::kFloat32);
  const torch::Tensor x = torch::randn({1, 1, 40, 40});
  EXPECT_LT(relative_error(xfm(x), copy->forward(x.to(torch::kFloat64))), kTolFloat32);
  DtCwpt2d trainable(DtCwptOptions(2).trainable_filters(true));
  EXPECT_EQ(trainable->parameters().size(), 1u);
}

TEST_F(DtCwptTest, TransformsOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const auto o = DtCwptOptions(3).stride(4).in_channels(2);
  const torch::Tensor x = torch::randn({2, 2, 45, 50}, torch::kFloat64);
  const torch::Tensor cpu = dtcwpt2d(x, filters64(), o);
  const torch::Tensor gpu = dtcwpt2d(x.cuda(), filters64().cuda(), o);
  EXPECT_TRUE(gpu.is_cuda());
  EXPECT_LT(relative_error(gpu.cpu(), cpu), kTolFloat64);
  const auto p = DtCwptOptions(2).padding(Padding::kPeriodic);
  const torch::Tensor z = torch::randn({1, 1, 16, 24}, torch::kFloat64).cuda();
  EXPECT_LT(relative_error(idtcwpt2d(dtcwpt2d(z, filters64().cuda(), p), filters64().cuda(), p, 16, 24), z), kTolFloat64);
}

}  // namespace
}  // namespace wavetwin::wavelets

namespace wavetwin::wavelets {
namespace {

TEST_F(DtCwptTest, OneDimensionalModule) {
  DtCwpt1d xfm(DtCwptOptions(3).padding(Padding::kPeriodic).in_channels(2));
  std::ostringstream printed;
  xfm->pretty_print(printed);
  EXPECT_EQ(printed.str(), "wavetwin::wavelets::DtCwpt1d(levels=3, stride=8, padding=periodic, in_channels=2)");
  const torch::Tensor x = torch::randn({4, 2, 64}, torch::kFloat64);
  const torch::Tensor y = xfm(x);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{4, 32, 8}));
  EXPECT_LT(relative_error(xfm->inverse(y, 64), x), kTolFloat64);
  EXPECT_THROW_WITH(xfm(torch::randn({4, 2, 8, 8})), "expected (N, C, L)");
}

TEST_F(DtCwptTest, InverseAcceptsComplexCoefficients) {
  const auto o = DtCwptOptions(2).padding(Padding::kPeriodic).complex(true);
  const torch::Tensor x = torch::randn({2, 1, 12, 16}, torch::kFloat64);
  const torch::Tensor z = dtcwpt2d(x, filters64(), o);
  ASSERT_TRUE(z.is_complex());
  EXPECT_LT(relative_error(idtcwpt2d(z, filters64(), o, 12, 16), x), kTolFloat64);
  const auto o1 = DtCwptOptions(2).padding(Padding::kPeriodic).complex(true);
  const torch::Tensor line = torch::randn({1, 1, 20}, torch::kFloat64);
  EXPECT_LT(relative_error(idtcwpt1d(dtcwpt1d(line, filters64(), o1), filters64(), o1, 20), line), kTolFloat64);
}

TEST_F(DtCwptTest, OtherQShiftBanksReconstructAndMatchTheSeparablePath) {
  for (const std::string bank : {"qshift_06", "qshift_b", "qshift_c", "qshift_d"}) {
    const torch::Tensor f = dual_tree_filter_tensor(bank);
    const auto o = DtCwptOptions(3).filters(bank).padding(Padding::kPeriodic);
    const torch::Tensor x = torch::randn({1, 1, 24, 32}, torch::kFloat64);
    const torch::Tensor y = dtcwpt2d(x, f, o);
    EXPECT_LT(relative_error(y, detail::dtcwpt2d_separable(detail::pad_input(x, o, 2), f, o)), kTolFloat64) << bank;
    EXPECT_LT(relative_error(idtcwpt2d(y, f, o, 24, 32), x), kTolFloat64) << bank;
  }
  EXPECT_THROW_WITH(dtcwpt2d(torch::randn({1, 1, 32, 32}), dual_tree_filter_tensor("qshift_b"), DtCwptOptions(2)),
                    "expected (4, 10) as filters 'qshift_a'");
}

}  // namespace
}  // namespace wavetwin::wavelets

namespace wavetwin::wavelets {
namespace {

TEST_F(DtCwptTest, LargeResultsReuseFreedBlocksAndOverwriteThemFully) {
  const auto o = DtCwptOptions(2).stride(2);
  const torch::Tensor first = torch::randn({2, 1, 160, 150}, torch::kFloat64);
  torch::Tensor y = dtcwpt2d(first, filters64(), o);  // 2 x 64 x 80 x 75 doubles: 6 MB, a cached block
  const void* block = y.data_ptr();
  y.fill_(std::nan(""));
  y = torch::Tensor();
  const torch::Tensor second = torch::randn({2, 1, 160, 150}, torch::kFloat64);
  const torch::Tensor z = dtcwpt2d(second, filters64(), o);
  EXPECT_EQ(z.data_ptr(), block);
  EXPECT_LT(relative_error(z, detail::dtcwpt2d_separable(detail::pad_input(second, o, 2), filters64(), o)),
            kTolFloat64);
}

}  // namespace
}  // namespace wavetwin::wavelets
