// wavetwin/wavelets/filter_bank.h: Kingsbury's Q-shift and level-1 biorthogonal filter banks, by name.
//
// Coefficients are Kingsbury's published tables (generated from python3-dtcwt by
// tools/gen_filter_tables.py). Naming follows dtcwt: a Q-shift bank holds the analysis low-pass h0a/h0b,
// high-pass h1a/h1b and synthesis g0a/g0b/g1a/g1b of trees a and b, with h0b the reverse of h0a.
//
// | name       | kind        | taps |     | name       | kind          | taps (h0o/h1o) |
// |------------|-------------|------|-----|------------|---------------|----------------|
// | qshift_06  | Q-shift     | 10   |     | near_sym_a | biorthogonal  | 5 / 7          |
// | qshift_a   | Q-shift     | 10   |     | near_sym_b | biorthogonal  | 13 / 19        |
// | qshift_b   | Q-shift     | 14   |     | antonini   | biorthogonal  | 9 / 7          |
// | qshift_c   | Q-shift     | 16   |     | legall     | biorthogonal  | 5 / 3          |
// | qshift_d   | Q-shift     | 18   |     |            |               |                |
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wavetwin::wavelets {

/// A Q-shift bank (dtcwt naming). All eight filters have the same even length.
struct QShiftBank {
  std::string name;
  std::vector<double> h0a, h0b, g0a, g0b, h1a, h1b, g1a, g1b;
};

/// A level-1 biorthogonal bank (dtcwt naming): analysis h0o/h1o, synthesis g0o/g1o (odd lengths).
struct BiorthogonalBank {
  std::string name;
  std::vector<double> h0o, g0o, h1o, g1o;
};

/// The Q-shift bank called `name`; throws wavetwin::Error listing the known names otherwise.
/// Example: `const auto& bank = qshift_bank("qshift_a");`
const QShiftBank& qshift_bank(std::string_view name);

/// The biorthogonal bank called `name`; throws wavetwin::Error listing the known names otherwise.
const BiorthogonalBank& biorthogonal_bank(std::string_view name);

/// Names of the Q-shift banks, in table order.
std::vector<std::string> qshift_bank_names();

/// Names of the biorthogonal banks, in table order.
std::vector<std::string> biorthogonal_bank_names();

/// The four analysis filters of the dual-tree packet transform in the reference's (wcnn's) naming, in
/// the order H1, H2, G1, G2: tree-1 low-pass H1 = dtcwt h0b, tree-2 low-pass H2 = dtcwt h0a, tree-1
/// high-pass G1 = dtcwt h1b, tree-2 high-pass G2 = dtcwt h1a. wcnn swaps dtcwt's a/b names on purpose
/// (wcnn `_base_dwt2d.py::_get_initial_filters`: dtcwt's notation reads as convolution, torch correlates).
std::vector<std::vector<double>> dual_tree_filters(std::string_view name);

}  // namespace wavetwin::wavelets
