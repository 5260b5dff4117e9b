// tests/wavelets/dtcwt_test.cpp: the DTCWT against Debian's python3-dtcwt (forward and inverse, 2-D and 1-D,
// every bank, odd, non-square and tiny sizes, J = 0..5), the kernels against torch ops, perfect
// reconstruction, the Jacobian against its transpose, skipping, scales, scattering and errors.
#include "wavetwin/wavelets/dtcwt.h"

#include <filesystem>
#include <map>

#include "support/support.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"

namespace wavetwin::wavelets {
namespace {

using test::kTolFloat32;
using test::kTolFloat64;
using test::relative_error;

class DtcwtTest : public test::Seeded {};

struct Config {
  int64_t height, width, levels;
  std::string biort, qshift;
};

std::string describe(const Config& c) {
  return std::to_string(c.height) + "x" + std::to_string(c.width) + " J=" + std::to_string(c.levels) + " " +
         c.biort + "/" + c.qshift;
}

std::map<std::string, torch::Tensor> oracle_forward(const torch::Tensor& x, const Config& c, int64_t dims) {
  const std::string dir = test::temp_dir();
  data::save_tensor(dir + "/in.pt", x);
  std::string output;
  EXPECT_EQ(test::run_python("tests/oracles/dtcwt_transform.py",
                             {"forward", std::to_string(dims), std::to_string(c.levels), c.biort, c.qshift,
                              dir + "/in.pt", dir + "/out.pt"},
                             &output),
            0)
      << output;
  std::map<std::string, torch::Tensor> out;
  for (auto& [key, tensor] : data::load_tensors(dir + "/out.pt")) out[key] = tensor;
  std::filesystem::remove_all(dir);
  return out;
}

torch::Tensor oracle_inverse(const torch::Tensor& lowpass, const std::vector<torch::Tensor>& highpasses,
                             const Config& c, int64_t dims) {
  const std::string dir = test::temp_dir();
  std::vector<std::string> args = {"inverse", std::to_string(dims), c.biort, c.qshift, dir + "/out.pt",
                                   dir + "/low.pt"};
  data::save_tensor(dir + "/low.pt", lowpass);
  for (size_t j = 0; j < highpasses.size(); ++j) {
    args.push_back(dir + "/high" + std::to_string(j) + ".pt");
    data::save_tensor(args.back(), highpasses[j]);
  }
  std::string output;
  EXPECT_EQ(test::run_python("tests/oracles/dtcwt_transform.py", args, &output), 0) << output;
  const torch::Tensor y = data::load_tensor(dir + "/out.pt");
  std::filesystem::remove_all(dir);
  return y;
}

// Max |a - b| relative to the input's magnitude: a band that is zero up to rounding (the highpasses of a
// constant 2x2 image) has no scale of its own.
double error_against(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& input) {
  const double scale = std::max(b.abs().max().item<double>(), input.abs().max().item<double>());
  return (a.to(b.dtype()) - b).abs().max().item<double>() / scale;
}

// Compares every part of a pyramid with the oracle's.
void expect_pyramid(const DtcwtPyramid& got, std::map<std::string, torch::Tensor>& expected,
                    const torch::Tensor& input, double tol, const std::string& what) {
  ASSERT_EQ(got.lowpass.sizes(), expected["lowpass"].sizes()) << what;
  EXPECT_LT(error_against(got.lowpass, expected["lowpass"], input), tol) << what << " lowpass";
  for (size_t j = 0; j < got.highpasses.size(); ++j) {
    const torch::Tensor& want = expected["highpass" + std::to_string(j)];
    ASSERT_EQ(got.highpasses[j].sizes(), want.sizes()) << what << " level " << j;
    EXPECT_LT(error_against(got.highpasses[j], want, input), tol) << what << " highpass " << j;
  }
  for (size_t j = 0; j < got.scales.size(); ++j) {
    const torch::Tensor& want = expected["scale" + std::to_string(j)];
    ASSERT_EQ(got.scales[j].sizes(), want.sizes()) << what << " scale " << j;
    EXPECT_LT(error_against(got.scales[j], want, input), tol) << what << " scale " << j;
  }
}

const std::vector<Config> kConfigs2d = {
    {33, 20, 3, "near_sym_a", "qshift_a"}, {16, 16, 1, "near_sym_a", "qshift_a"},
    {7, 5, 2, "near_sym_a", "qshift_a"},   {1, 1, 2, "near_sym_a", "qshift_a"},
    {3, 2, 3, "legall", "qshift_06"},      {64, 40, 5, "near_sym_b", "qshift_b"},
    {29, 45, 4, "antonini", "qshift_c"},   {12, 31, 3, "legall", "qshift_d"},
    {20, 17, 2, "near_sym_b", "qshift_06"}, {50, 38, 4, "near_sym_a", "qshift_c"},
};

TEST_F(DtcwtTest, ForwardMatchesDtcwt2d) {
  WAVETWIN_REQUIRE_PYTHON("numpy", "torch", "dtcwt");
  for (const Config& c : kConfigs2d) {
    const torch::Tensor x = torch::randn({2, 3, c.height, c.width}, torch::kFloat64);
    auto expected = oracle_forward(x, c, 2);
    const auto o = DtcwtOptions(c.levels).biort(c.biort).qshift(c.qshift).include_scale(true);
    expect_pyramid(dtcwt2d(x, o), expected, x, kTolFloat64, describe(c));
    const DtcwtPyramid single = dtcwt2d(x.to(torch::kFloat32), o);
    EXPECT_EQ(single.highpasses[0].scalar_type(), torch::kFloat32);
    expect_pyramid(single, expected, x, kTolFloat32, describe(c) + " float32");
  }
}

TEST_F(DtcwtTest, InverseMatchesDtcwt2dOnArbitraryCoefficients) {
  WAVETWIN_REQUIRE_PYTHON("numpy", "torch", "dtcwt");
  for (const Config& c : kConfigs2d) {
    // Coefficients shaped like a pyramid but not one: the inverse is checked apart from the forward.
    const auto o = DtcwtOptions(c.levels).biort(c.biort).qshift(c.qshift);
    const DtcwtPyramid shape = dtcwt2d(torch::zeros({2, 2, c.height, c.width}, torch::kFloat64), o);
    const torch::Tensor low = torch::randn_like(shape.lowpass);
    std::vector<torch::Tensor> highs;
    for (const auto& h : shape.highpasses) highs.push_back(torch::randn_like(h));
    const torch::Tensor expected = oracle_inverse(low, highs, c, 2);
    const torch::Tensor got = idtcwt2d(low, highs, o);
    ASSERT_EQ(got.sizes(), expected.sizes()) << describe(c);
    EXPECT_LT(relative_error(got, expected), kTolFloat64) << describe(c);
  }
}

TEST_F(DtcwtTest, ReconstructsItsInput2d) {
  for (const Config& c : kConfigs2d) {
    const auto o = DtcwtOptions(c.levels).biort(c.biort).qshift(c.qshift);
    const torch::Tensor x = torch::randn({2, 3, c.height, c.width}, torch::kFloat64);
    const DtcwtPyramid p = dtcwt2d(x, o);
    const torch::Tensor y = idtcwt2d(p.lowpass, p.highpasses, o);
    // An odd size comes back with its repeated row / column (the conventions of dtcwt.h).
    ASSERT_EQ(y.size(2), c.height + c.height % 2) << describe(c);
    ASSERT_EQ(y.size(3), c.width + c.width % 2) << describe(c);
    EXPECT_LT(relative_error(y.narrow(2, 0, c.height).narrow(3, 0, c.width), x), kTolFloat64) << describe(c);
  }
}

const std::vector<Config> kConfigs1d = {
    {30, 0, 3, "near_sym_a", "qshift_a"}, {64, 0, 5, "near_sym_b", "qshift_b"}, {2, 0, 2, "legall", "qshift_06"},
    {18, 0, 4, "antonini", "qshift_c"},   {40, 0, 1, "near_sym_a", "qshift_d"},
};

TEST_F(DtcwtTest, OneDimensionalMatchesDtcwt) {
  WAVETWIN_REQUIRE_PYTHON("numpy", "torch", "dtcwt");
  for (const Config& c : kConfigs1d) {
    const auto o = DtcwtOptions(c.levels).biort(c.biort).qshift(c.qshift).include_scale(true);
    const torch::Tensor x = torch::randn({2, 3, c.height}, torch::kFloat64);
    auto expected = oracle_forward(x, c, 1);
    const DtcwtPyramid p = dtcwt1d(x, o);
    expect_pyramid(p, expected, x, kTolFloat64, describe(c) + " 1-D");
    std::vector<torch::Tensor> highs;
    for (const auto& h : p.highpasses) highs.push_back(torch::randn_like(h));
    const torch::Tensor low = torch::randn_like(p.lowpass);
    EXPECT_LT(relative_error(idtcwt1d(low, highs, o), oracle_inverse(low, highs, c, 1)), kTolFloat64) << describe(c);
    EXPECT_LT(relative_error(idtcwt1d(p.lowpass, p.highpasses, o), x), kTolFloat64) << describe(c);
  }
}

TEST_F(DtcwtTest, OddLengthOneDimensionalIsTheExtendedSignal) {
  const auto o = DtcwtOptions(3);
  const torch::Tensor x = torch::randn({1, 2, 23}, torch::kFloat64);
  const torch::Tensor extended = torch::cat({x, x.narrow(2, 22, 1)}, 2);
  EXPECT_LT(relative_error(dtcwt1d(x, o).highpasses[2], dtcwt1d(extended, o).highpasses[2]), kTolFloat64);
  const DtcwtPyramid p = dtcwt1d(x, o);
  EXPECT_LT(relative_error(idtcwt1d(p.lowpass, p.highpasses, o).narrow(2, 0, 23), x), kTolFloat64);
}

// Every primitive the transform uses, on the CPU kernels and with torch ops, values and gradients.
TEST_F(DtcwtTest, KernelsMatchTorchOps) {
  const auto& q = qshift_bank("qshift_c");  // 16 taps: m / 2 even
  const auto& a = qshift_bank("qshift_a");  // 10 taps: m / 2 odd
  const auto& b = biorthogonal_bank("near_sym_b");
  const std::vector<std::pair<std::string, detail::RowFilter>> filters = {
      {"colfilter 13 taps, 1 row", detail::colfilter(b.h0o, 1)},
      {"colfilter 19 taps, 5 rows", detail::colfilter(b.h1o, 5)},
      {"colfilter 5 taps, 17 rows", detail::colfilter(biorthogonal_bank("near_sym_a").h0o, 17)},
      {"coldfilt qshift_a, 4 rows", detail::coldfilt(a.h0b, a.h0a, 4)},
      {"coldfilt qshift_a high, 20 rows", detail::coldfilt(a.h1b, a.h1a, 20)},
      {"coldfilt qshift_c, 12 rows", detail::coldfilt(q.h0b, q.h0a, 12)},
      {"colifilt qshift_a, 2 rows", detail::colifilt(a.g0b, a.g0a, 2)},
      {"colifilt qshift_a high, 10 rows", detail::colifilt(a.g1b, a.g1a, 10)},
      {"colifilt qshift_c, 6 rows", detail::colifilt(q.g0b, q.g0a, 6)},
      {"colifilt qshift_c high, 14 rows", detail::colifilt(q.g1b, q.g1a, 14)},
  };
  for (const auto& [name, f] : filters) {
    const int64_t rows = name.find(", 1 row") != std::string::npos ? 1 : std::stoll(name.substr(name.rfind(", ") + 2));
    for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
      const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
      const torch::Tensor x = torch::randn({3, rows, 7}, dtype).requires_grad_(true);
      const torch::Tensor fast = detail::filter_rows(x, f), plain = detail::filter_rows_torch(x, f);
      ASSERT_EQ(fast.sizes(), plain.sizes()) << name;
      EXPECT_LT(relative_error(fast, plain), tol) << name;
      const torch::Tensor g = torch::randn_like(fast);
      const torch::Tensor grad_fast = torch::autograd::grad({fast}, {x}, {g})[0];
      const torch::Tensor grad_plain = torch::autograd::grad({plain}, {x}, {g})[0];
      EXPECT_LT(relative_error(grad_fast, grad_plain), tol) << name << " adjoint";
      // Along the lines: the same filtering of the transposed planes.
      const torch::Tensor xl = torch::randn({2, 5, rows}, dtype).requires_grad_(true);
      const torch::Tensor lines = detail::filter_lines(xl, f);
      const torch::Tensor lines_plain = detail::filter_rows_torch(xl.transpose(1, 2), f).transpose(1, 2);
      ASSERT_EQ(lines.sizes(), lines_plain.sizes()) << name;
      EXPECT_LT(relative_error(lines, lines_plain), tol) << name << " lines";
      const torch::Tensor gl = torch::randn_like(lines);
      EXPECT_LT(relative_error(torch::autograd::grad({lines}, {xl}, {gl})[0],
                               torch::autograd::grad({lines_plain}, {xl}, {gl})[0]),
                tol)
          << name << " lines adjoint";
    }
  }
}

// q2c and c2q on the CPU kernels against torch ops, both directions, with gradients; each inverts the other.
TEST_F(DtcwtTest, QuadKernelsMatchTorchOps) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const double tol = dtype == torch::kFloat64 ? kTolFloat64 : kTolFloat32;
    std::vector<torch::Tensor> bands;
    for (int b = 0; b < 3; ++b) bands.push_back(torch::randn({3, 6, 10}, dtype).requires_grad_(true));
    const torch::Tensor fast = detail::to_orientations(bands[0], bands[1], bands[2]);
    const torch::Tensor plain = detail::to_orientations_torch(bands[0], bands[1], bands[2]);
    ASSERT_EQ(fast.sizes(), (std::vector<int64_t>{3, 6, 3, 5, 2}));
    EXPECT_LT(relative_error(fast, plain), tol);
    const torch::Tensor g = torch::randn_like(fast);
    const auto grad_fast = torch::autograd::grad({fast}, bands, {g});
    const auto grad_plain = torch::autograd::grad({plain}, bands, {g});
    for (int b = 0; b < 3; ++b) EXPECT_LT(relative_error(grad_fast[b], grad_plain[b]), tol) << "band " << b;
    const torch::Tensor o = torch::randn({2, 6, 4, 3, 2}, dtype).requires_grad_(true);
    const auto back_fast = detail::to_bands(o), back_plain = detail::to_bands_torch(o);
    for (int b = 0; b < 3; ++b) EXPECT_LT(relative_error(back_fast[b], back_plain[b]), tol) << "band " << b;
    const torch::Tensor gb = torch::randn_like(back_fast[1]);
    EXPECT_LT(relative_error(torch::autograd::grad({back_fast[1]}, {o}, {gb})[0],
                             torch::autograd::grad({back_plain[1]}, {o}, {gb})[0]),
              tol);
    EXPECT_LT(relative_error(detail::to_orientations(back_fast[0], back_fast[1], back_fast[2]), o), tol);
  }
}

// The whole Jacobian of a small transform, column by column (forward of basis inputs) against row by row
// (backward of basis outputs): the backward is the exact transpose of the forward (a float64 gradcheck of a
// linear map, where finite differences are exact).
TEST_F(DtcwtTest, BackwardIsTheTransposeOfTheForward) {
  const auto o = DtcwtOptions(2).biort("near_sym_b").qshift("qshift_c");
  const int64_t h = 5, w = 6;
  const auto flat = [&](const torch::Tensor& x) {
    const DtcwtPyramid p = dtcwt2d(x, o);
    std::vector<torch::Tensor> parts = {p.lowpass.reshape(-1)};
    for (const auto& hp : p.highpasses) parts.push_back(hp.reshape(-1));
    return torch::cat(parts);
  };
  const int64_t inputs = h * w, outputs = flat(torch::zeros({1, 1, h, w}, torch::kFloat64)).numel();
  torch::Tensor jacobian = torch::empty({outputs, inputs}, torch::kFloat64);
  for (int64_t i = 0; i < inputs; ++i) {
    jacobian.select(1, i).copy_(flat(torch::eye(inputs, torch::kFloat64)[i].view({1, 1, h, w})));
  }
  const torch::Tensor x = torch::randn({1, 1, h, w}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor y = flat(x);
  torch::Tensor transpose = torch::empty({inputs, outputs}, torch::kFloat64);
  for (int64_t k = 0; k < outputs; ++k) {
    const torch::Tensor e = torch::zeros({outputs}, torch::kFloat64).index_fill_(0, torch::tensor({k}), 1.0);
    transpose.select(1, k).copy_(torch::autograd::grad({y}, {x}, {e}, /*retain_graph=*/true)[0].reshape(-1));
  }
  EXPECT_LT(relative_error(transpose, jacobian.t()), 1e-13);
  // And through the inverse.
  const DtcwtPyramid p = dtcwt2d(torch::randn({1, 1, 8, 8}, torch::kFloat64), o);
  const torch::Tensor low = p.lowpass.clone().requires_grad_(true);
  const torch::Tensor z = idtcwt2d(low, p.highpasses, o);
  const torch::Tensor v = torch::randn_like(z);
  const torch::Tensor grad_low = torch::autograd::grad({z}, {low}, {v})[0];
  const double eps = 1e-3;
  const torch::Tensor direction = torch::randn_like(low);
  const double numeric = ((idtcwt2d(low.detach() + eps * direction, p.highpasses, o) -
                           idtcwt2d(low.detach() - eps * direction, p.highpasses, o)) * v).sum().item<double>() / (2 * eps);
  EXPECT_NEAR((grad_low * direction).sum().item<double>(), numeric, 1e-9 * std::abs(numeric) + 1e-10);
}

TEST_F(DtcwtTest, SkippedLevelsAndScales) {
  const torch::Tensor x = torch::randn({2, 1, 40, 36}, torch::kFloat64);
  const DtcwtPyramid all = dtcwt2d(x, DtcwtOptions(3).include_scale(true));
  const DtcwtPyramid some = dtcwt2d(x, DtcwtOptions(3).skip_highpasses({true, false, true}));
  EXPECT_FALSE(some.highpasses[0].defined());
  EXPECT_FALSE(some.highpasses[2].defined());
  EXPECT_TRUE(torch::equal(some.highpasses[1], all.highpasses[1]));
  EXPECT_TRUE(torch::equal(some.lowpass, all.lowpass));
  EXPECT_TRUE(some.scales.empty());
  ASSERT_EQ(all.scales.size(), 3u);
  EXPECT_TRUE(torch::equal(all.scales[2], all.lowpass));
  EXPECT_EQ(all.scales[0].sizes(), (std::vector<int64_t>{2, 1, 40, 36}));
  // A skipped level inverts as zeros.
  std::vector<torch::Tensor> zeroed = all.highpasses;
  zeroed[0] = torch::zeros_like(zeroed[0]);
  zeroed[2] = torch::zeros_like(zeroed[2]);
  EXPECT_LT(relative_error(idtcwt2d(some.lowpass, some.highpasses), idtcwt2d(all.lowpass, zeroed)), kTolFloat64);
  // J = 0: the input is the low-pass.
  const DtcwtPyramid none = dtcwt2d(x, DtcwtOptions(0));
  EXPECT_TRUE(none.highpasses.empty());
  EXPECT_TRUE(torch::equal(none.lowpass, x));
}

TEST_F(DtcwtTest, ScatteringIsLowpassAndSmoothedModulus) {
  for (const bool combine : {false, true}) {
    const torch::Tensor x = torch::randn({2, 3, 15, 12}, torch::kFloat64);
    const torch::Tensor z = dtcwt_scattering(x, "near_sym_a", 0.5, combine);
    const DtcwtPyramid p = dtcwt2d(x, DtcwtOptions(1));
    ASSERT_EQ(z.sizes(), (std::vector<int64_t>{2, combine ? 9 : 21, 8, 6}));
    // Spot values from the definition: the 2x2 mean of the low-pass, and one modulus per orientation.
    EXPECT_NEAR(z[1][2][3][4].item<double>(), p.lowpass[1][2].narrow(0, 6, 2).narrow(1, 8, 2).mean().item<double>(),
                1e-12);
    for (int64_t o = 0; o < 6; ++o) {
      const torch::Tensor h = p.highpasses[0][1].select(1, o);
      const torch::Tensor energy = h.select(-1, 0).square() + h.select(-1, 1).square();  // (C, h, w)
      const double expected = combine ? std::sqrt(energy.sum(0)[3][4].item<double>() + 0.25) - 0.5
                                      : std::sqrt(energy[2][3][4].item<double>() + 0.25) - 0.5;
      EXPECT_NEAR(z[1][combine ? 3 + o : 3 * (1 + o) + 2][3][4].item<double>(), expected, 1e-12) << "orientation " << o;
    }
  }
  EXPECT_THROW_WITH(dtcwt_scattering(torch::randn({1, 2, 8, 8}), "near_sym_a", 0.01, true), "3 input channels");
}

TEST_F(DtcwtTest, ModuleMatchesFunctions) {
  Dtcwt2d module(DtcwtOptions(2).qshift("qshift_b"));
  const torch::Tensor x = torch::randn({1, 2, 21, 16});
  const DtcwtPyramid p = module->forward(x);
  EXPECT_TRUE(torch::equal(p.highpasses[1], dtcwt2d(x, DtcwtOptions(2).qshift("qshift_b")).highpasses[1]));
  EXPECT_LT(relative_error(module->inverse(p.lowpass, p.highpasses).narrow(2, 0, 21), x), kTolFloat32);
}

TEST_F(DtcwtTest, BadInputsAreNamed) {
  EXPECT_THROW_WITH(dtcwt2d(torch::randn({3, 8, 8}), DtcwtOptions(2)), "expected an input of shape (N, C, H, W)");
  EXPECT_THROW_WITH(dtcwt2d(torch::ones({1, 1, 8, 8}, torch::kInt32), DtcwtOptions(2)), "float32 or float64");
  EXPECT_THROW_WITH(dtcwt2d(torch::randn({1, 1, 0, 8}), DtcwtOptions(2)), "empty");
  EXPECT_THROW_WITH(dtcwt2d(torch::randn({1, 1, 8, 8}), DtcwtOptions(-1)), "levels must be >= 0");
  EXPECT_THROW_WITH(dtcwt2d(torch::randn({1, 1, 8, 8}), DtcwtOptions(2).biort("near_sym_c")), "unknown biorthogonal");
  EXPECT_THROW_WITH(dtcwt2d(torch::randn({1, 1, 8, 8}), DtcwtOptions(2).qshift("qshift_z")), "unknown Q-shift");
  const DtcwtPyramid p = dtcwt2d(torch::randn({1, 1, 16, 16}), DtcwtOptions(2));
  EXPECT_THROW_WITH(idtcwt2d(p.lowpass, {p.highpasses[0].squeeze(0), p.highpasses[1]}), "highpass 0 has shape");
  EXPECT_THROW_WITH(idtcwt2d(p.lowpass.narrow(2, 0, 2), p.highpasses), "expected 8 or 10");
  EXPECT_THROW_WITH(idtcwt2d(p.lowpass, {p.highpasses[0], p.highpasses[1].to(torch::kFloat64)}), "is Double");
  EXPECT_THROW_WITH(dtcwt1d(torch::randn({1, 8}), DtcwtOptions(2)), "(N, C, L)");
}

}  // namespace
}  // namespace wavetwin::wavelets
