// tests/wavelets/filter_test.cpp: the filtering primitives against direct loops, and their adjoints.
#include "wavetwin/wavelets/filter.h"

#include <random>
#include <vector>

#include "support/support.h"

namespace wavetwin::wavelets::detail {
namespace {

template <typename T>
std::vector<T> random_vector(int64_t n, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(normal(rng));
  return v;
}

template <typename T>
class FilterTest : public ::testing::Test {
 protected:
  std::mt19937 rng{7};
  static constexpr double tol() { return sizeof(T) == 8 ? 1e-12 : 1e-5; }
};

using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FilterTest, Types);

struct Case {
  int64_t n, taps, stride, dilation;
};
const std::vector<Case> kCases = {{1, 1, 1, 1},   {12, 12, 2, 1}, {13, 12, 2, 1}, {57, 10, 2, 1}, {200, 10, 1, 1},
                                  {75, 10, 1, 2}, {91, 10, 1, 4}, {40, 3, 2, 1},  {9, 4, 1, 2},   {300, 14, 2, 1}};

// Natural order -> polyphase layout of filter.h (unused slots zero), and back.
template <typename T>
std::vector<T> to_phased(const std::vector<T>& x, int64_t phases) {
  const int64_t n = x.size(), capacity = phase_capacity(n, phases);
  std::vector<T> out(phases * capacity, T(0));
  for (int64_t i = 0; i < n; ++i) out[(i % phases) * capacity + i / phases] = x[i];
  return out;
}

template <typename T>
std::vector<T> from_phased(const std::vector<T>& x, int64_t n, int64_t phases) {
  const int64_t capacity = phase_capacity(n, phases);
  std::vector<T> out(n);
  for (int64_t i = 0; i < n; ++i) out[i] = x[(i % phases) * capacity + i / phases];
  return out;
}

TYPED_TEST(FilterTest, LineMatchesDirectLoopAndAdjointInEveryLayout) {
  using T = TypeParam;
  for (const Case& c : kCases) {
    for (const int64_t phases : {1, 2, 4, 8}) {
      if (phases % c.stride != 0) continue;
      const int64_t n_out = stage_output_length(c.n, c.taps, c.stride, c.dilation);
      ASSERT_GT(n_out, 0);
      const int64_t out_phases = phases / c.stride;
      const auto x = random_vector<T>(c.n, this->rng), f = random_vector<T>(c.taps, this->rng),
                 g = random_vector<T>(c.taps, this->rng);
      std::vector<T> lo(phased_size(n_out, out_phases)), hi(lo.size());
      analysis_line(to_phased(x, phases).data(), c.n, phases, 1, 0, f.data(), g.data(), c.taps, c.stride,
                    c.dilation, lo.data(), hi.data(), n_out, 0);
      const auto lo_n = from_phased(lo, n_out, out_phases), hi_n = from_phased(hi, n_out, out_phases);
      for (int64_t i = 0; i < n_out; ++i) {
        double a = 0, b = 0;
        for (int64_t k = 0; k < c.taps; ++k) {
          a += double(f[k]) * x[c.stride * i + c.dilation * k];
          b += double(g[k]) * x[c.stride * i + c.dilation * k];
        }
        EXPECT_NEAR(lo_n[i], a, this->tol() * (1 + std::abs(a))) << "n=" << c.n << " phases=" << phases << " i=" << i;
        EXPECT_NEAR(hi_n[i], b, this->tol() * (1 + std::abs(b)));
      }
      // <A x, (u, v)> = <x, A* (u, v)>
      const auto u = random_vector<T>(n_out, this->rng), v = random_vector<T>(n_out, this->rng);
      std::vector<T> back(phased_size(c.n, phases), T(0));
      std::vector<T> scratch(line_scratch_size(c.n, n_out, phases, c.taps, c.stride, c.dilation));
      analysis_line_adjoint(to_phased(u, out_phases).data(), to_phased(v, out_phases).data(), n_out, 0, phases, 1,
                            f.data(), g.data(), c.taps, c.stride, c.dilation, back.data(), c.n, 0, scratch.data());
      const auto back_n = from_phased(back, c.n, phases);
      double lhs = 0, rhs = 0;
      for (int64_t i = 0; i < n_out; ++i) lhs += double(lo_n[i]) * u[i] + double(hi_n[i]) * v[i];
      for (int64_t i = 0; i < c.n; ++i) rhs += double(x[i]) * back_n[i];
      EXPECT_NEAR(lhs, rhs, this->tol() * 10 * (1 + std::abs(lhs))) << "n=" << c.n << " phases=" << phases;
    }
  }
}

TYPED_TEST(FilterTest, SeveralLinesAtOnceEqualOneByOne) {
  using T = TypeParam;
  const int64_t n = 47, lines = 5, x_step = 50, phases = 2, taps = 12;
  const int64_t n_out = stage_output_length(n, taps, 2, 1), out_step = 30;
  const auto x = random_vector<T>(lines * x_step, this->rng), f = random_vector<T>(taps, this->rng),
             g = random_vector<T>(taps, this->rng);
  std::vector<T> lo(lines * out_step, T(0)), hi(lo.size(), T(0));
  analysis_line(x.data(), n, phases, lines, x_step, f.data(), g.data(), taps, 2, 1, lo.data(), hi.data(), n_out,
                out_step);
  std::vector<T> back(lines * x_step, T(0)), scratch(line_scratch_size(n, n_out, phases, taps, 2, 1));
  analysis_line_adjoint(lo.data(), hi.data(), n_out, out_step, phases, lines, f.data(), g.data(), taps, 2, 1,
                        back.data(), n, x_step, scratch.data());
  for (int64_t l = 0; l < lines; ++l) {
    std::vector<T> lo1(n_out), hi1(n_out), back1(phased_size(n, phases), T(0));
    analysis_line(x.data() + l * x_step, n, phases, 1, 0, f.data(), g.data(), taps, 2, 1, lo1.data(), hi1.data(),
                  n_out, 0);
    analysis_line_adjoint(lo1.data(), hi1.data(), n_out, 0, phases, 1, f.data(), g.data(), taps, 2, 1,
                          back1.data(), n, 0, scratch.data());
    for (int64_t i = 0; i < n_out; ++i) {
      EXPECT_EQ(lo[l * out_step + i], lo1[i]);
      EXPECT_EQ(hi[l * out_step + i], hi1[i]);
    }
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(back[l * x_step + i], back1[i]);
  }
}

TYPED_TEST(FilterTest, RowsMatchDirectLoopAndAdjoint) {
  using T = TypeParam;
  for (const Case& c : kCases) {
    for (const int64_t cols : {1, 7, 33, 70}) {
      const int64_t n_out = stage_output_length(c.n, c.taps, c.stride, c.dilation);
      const auto x = random_vector<T>(c.n * cols, this->rng), f = random_vector<T>(c.taps, this->rng),
                 g = random_vector<T>(c.taps, this->rng);
      std::vector<T> lo(n_out * cols), hi(n_out * cols);
      analysis_rows(x.data(), c.n, cols, f.data(), g.data(), c.taps, c.stride, c.dilation, lo.data(), hi.data(), n_out);
      for (int64_t i = 0; i < n_out; ++i) {
        for (int64_t col = 0; col < cols; ++col) {
          double a = 0, b = 0;
          for (int64_t k = 0; k < c.taps; ++k) {
            a += double(f[k]) * x[(c.stride * i + c.dilation * k) * cols + col];
            b += double(g[k]) * x[(c.stride * i + c.dilation * k) * cols + col];
          }
          EXPECT_NEAR(lo[i * cols + col], a, this->tol() * (1 + std::abs(a)));
          EXPECT_NEAR(hi[i * cols + col], b, this->tol() * (1 + std::abs(b)));
        }
      }
      const auto u = random_vector<T>(n_out * cols, this->rng), v = random_vector<T>(n_out * cols, this->rng);
      std::vector<T> back(c.n * cols, T(0));
      analysis_rows_adjoint(u.data(), v.data(), n_out, cols, f.data(), g.data(), c.taps, c.stride, c.dilation,
                            back.data(), c.n);
      double lhs = 0, rhs = 0;
      for (int64_t i = 0; i < n_out * cols; ++i) lhs += double(lo[i]) * u[i] + double(hi[i]) * v[i];
      for (int64_t i = 0; i < c.n * cols; ++i) rhs += double(x[i]) * back[i];
      EXPECT_NEAR(lhs, rhs, this->tol() * 10 * (1 + std::abs(lhs))) << "n=" << c.n << " cols=" << cols;
    }
  }
}

TEST(FilterLengthTest, ValidCorrelationLength) {
  EXPECT_EQ(stage_output_length(252, 12, 2, 1), 121);
  EXPECT_EQ(stage_output_length(11, 12, 2, 1), 0);
  EXPECT_EQ(stage_output_length(12, 12, 2, 1), 1);
  EXPECT_EQ(stage_output_length(30, 10, 1, 2), 12);
}

}  // namespace
}  // namespace wavetwin::wavelets::detail
