// tests/wavelets/filter_bank_test.cpp: the generated tables, and the published relations of each bank.
#include "wavetwin/wavelets/filter_bank.h"

#include <fstream>
#include <numeric>

#include "support/support.h"
#include "wavetwin/error.h"

namespace wavetwin::wavelets {
namespace {

double sum(const std::vector<double>& f) { return std::accumulate(f.begin(), f.end(), 0.0); }

// sum_n a[n] b[n - shift] for shift >= 0 (zero outside).
double correlation(const std::vector<double>& a, const std::vector<double>& b, int64_t shift) {
  double acc = 0;
  for (int64_t n = shift; n < static_cast<int64_t>(a.size()); ++n) {
    if (n - shift < static_cast<int64_t>(b.size())) acc += a[n] * b[n - shift];
  }
  return acc;
}

std::vector<double> reversed(std::vector<double> f) { return {f.rbegin(), f.rend()}; }

void expect_near(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "tap " << i;
}

TEST(FilterBankTest, GeneratedTableMatchesTheGenerator) {
  WAVETWIN_REQUIRE_PYTHON("dtcwt");
  std::string generated;
  ASSERT_EQ(test::run_python("tools/gen_filter_tables.py", {}, &generated), 0) << generated;
  std::ifstream file(test::source_path("src/wavelets/filter_tables.inc"));
  const std::string committed((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(generated, committed) << "regenerate with tools/gen_filter_tables.py";
}

TEST(FilterBankTest, ListsTheNamedBanks) {
  EXPECT_EQ(qshift_bank_names(), (std::vector<std::string>{"qshift_06", "qshift_a", "qshift_b", "qshift_c", "qshift_d"}));
  EXPECT_EQ(biorthogonal_bank_names(), (std::vector<std::string>{"near_sym_a", "near_sym_b", "antonini", "legall"}));
  EXPECT_THROW_WITH(qshift_bank("db4"), "unknown Q-shift bank 'db4'; expected one of qshift_06, qshift_a");
  EXPECT_THROW_WITH(biorthogonal_bank("x"), "expected one of near_sym_a, near_sym_b, antonini, legall");
}

TEST(FilterBankTest, QShiftBanksSatisfyThePublishedRelations) {
  for (const auto& name : qshift_bank_names()) {
    const QShiftBank& b = qshift_bank(name);
    const int64_t taps = b.h0a.size();
    SCOPED_TRACE(name);
    EXPECT_EQ(taps % 2, 0);
    EXPECT_NEAR(sum(b.h0a), std::sqrt(2.0), 1e-9);
    EXPECT_NEAR(sum(b.h1a), 0.0, 1e-4);  // zero at DC to the designs' precision (up to 4e-5 for qshift_d)
    EXPECT_NEAR(correlation(b.h0a, b.h0a, 0), 1.0, 1e-9);
    for (int64_t k = 1; 2 * k < taps; ++k) {
      EXPECT_NEAR(correlation(b.h0a, b.h0a, 2 * k), 0.0, 1e-9) << "double shift " << 2 * k;
      EXPECT_NEAR(correlation(b.h1a, b.h1a, 2 * k), 0.0, 1e-9);
    }
    for (int64_t k = -taps; k <= taps; k += 2) {  // low and high pass orthogonal at every even shift
      EXPECT_NEAR(k >= 0 ? correlation(b.h0a, b.h1a, k) : correlation(b.h1a, b.h0a, -k), 0.0, 1e-9);
    }
    EXPECT_EQ(b.h0b, reversed(b.h0a));  // tree b = reverse of tree a
    EXPECT_EQ(b.h1b, reversed(b.h1a));
    EXPECT_EQ(b.g0a, reversed(b.h0a));  // orthonormal: synthesis = time-reversed analysis
    EXPECT_EQ(b.g1a, reversed(b.h1a));
    for (int64_t n = 0; n < taps; ++n) {  // QMF: h1a[n] = (-1)^(n+1) h0a[L-1-n] (up to the bank's sign)
      EXPECT_NEAR(std::abs(b.h1a[n]), std::abs(b.h0a[taps - 1 - n]), 1e-12);
    }
  }
}

TEST(FilterBankTest, ReferenceNamingSwapsTrees) {
  const auto f = dual_tree_filters("qshift_a");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_NEAR(f[0][0], -0.0061818818921164382, 1e-17);  // H1 = dtcwt h0b (reference-system.md 1.1)
  EXPECT_NEAR(f[1][0], 0.051130405283831656, 1e-17);    // H2 = h0a
  EXPECT_NEAR(f[2][0], -0.051130405283831656, 1e-17);   // G1 = h1b
  EXPECT_NEAR(f[3][0], -0.0061818818921164382, 1e-17);  // G2 = h1a
  for (int64_t n = 0; n < 10; ++n) {
    EXPECT_EQ(f[0][n], f[1][9 - n]);
    EXPECT_NEAR(f[2][n], (n % 2 == 0 ? -1 : 1) * f[1][n], 1e-17);  // G1[n] = (-1)^(n+1) H2[n]
    EXPECT_NEAR(f[3][n], (n % 2 == 0 ? 1 : -1) * f[0][n], 1e-17);  // G2[n] = (-1)^n H1[n]
  }
}

TEST(FilterBankTest, BiorthogonalBanksArePerfectReconstructionPairs) {
  for (const auto& name : biorthogonal_bank_names()) {
    const BiorthogonalBank& b = biorthogonal_bank(name);
    SCOPED_TRACE(name);
    // dtcwt normalises the level-1 low-pass filters to unit DC gain.
    EXPECT_NEAR(sum(b.h0o), 1.0, 1e-9);
    EXPECT_NEAR(sum(b.g0o), 1.0, 1e-9);
    EXPECT_NEAR(sum(b.h1o), 0.0, 1e-9);
    EXPECT_NEAR(sum(b.g1o), 0.0, 1e-9);
    expect_near(b.h0o, reversed(b.h0o), 1e-12);  // odd-length, symmetric (to the tables' precision)
    expect_near(b.g0o, reversed(b.g0o), 1e-12);
    EXPECT_EQ(b.g0o.size(), b.h1o.size());
    EXPECT_EQ(b.h0o.size(), b.g1o.size());
    // Perfect reconstruction: the product filter h0 * g0 is half-band (centre 1/2, zero at every other even
    // offset from the centre).
    const int64_t nh = b.h0o.size(), ng = b.g0o.size(), centre = (nh + ng - 2) / 2;
    for (int64_t m = centre % 2; m < nh + ng - 1; m += 2) {
      double acc = 0;
      for (int64_t n = 0; n < nh; ++n) {
        if (m - n >= 0 && m - n < ng) acc += b.h0o[n] * b.g0o[m - n];
      }
      EXPECT_NEAR(acc, m == centre ? 0.5 : 0.0, 1e-9) << "offset " << m - centre;
    }
  }
}

}  // namespace
}  // namespace wavetwin::wavelets
