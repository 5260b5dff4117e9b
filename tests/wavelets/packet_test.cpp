// tests/wavelets/packet_test.cpp: packet metadata against the reference's tables, the selection rules
// against the reference's literal lists, analyticity and characteristic frequencies from the kernels.
#include "wavetwin/wavelets/packet.h"

#include <algorithm>
#include <set>

#include "support/support.h"
#include "wavetwin/error.h"
#include "wavetwin/wavelets/equivalent_kernel.h"

namespace wavetwin::wavelets {
namespace {

// reference-system.md 1.8, J = 2: P -> (k_r, k_c, s_r).
const std::vector<std::array<int, 3>> kReferenceJ2 = {
    {0, 0, +1}, {0, 1, -1}, {1, 0, -1}, {1, 1, +1}, {0, 3, +1}, {0, 2, -1}, {1, 3, -1}, {1, 2, +1},
    {3, 0, +1}, {3, 1, -1}, {2, 0, -1}, {2, 1, +1}, {3, 3, +1}, {3, 2, -1}, {2, 3, -1}, {2, 2, +1},
    {0, 0, -1}, {0, 1, +1}, {1, 0, +1}, {1, 1, -1}, {0, 3, -1}, {0, 2, +1}, {1, 3, +1}, {1, 2, -1},
    {3, 0, -1}, {3, 1, +1}, {2, 0, +1}, {2, 1, -1}, {3, 3, -1}, {3, 2, +1}, {2, 3, +1}, {2, 2, -1}};

TEST(PacketTest, DepthTwoMetadataMatchesTheReferenceTable) {
  for (int64_t p = 0; p < 32; ++p) {
    const PacketInfo info = packet_info(p, 2);
    EXPECT_EQ(info.band_row, kReferenceJ2[p][0]) << "P=" << p;
    EXPECT_EQ(info.band_col, kReferenceJ2[p][1]) << "P=" << p;
    EXPECT_EQ(info.orientation, kReferenceJ2[p][2]) << "P=" << p;
    EXPECT_EQ(info.tree, p / 16);
    EXPECT_EQ(info.lowpass, p == 0 || p == 16);
    EXPECT_EQ(info.edge, kReferenceJ2[p][0] == 3 || kReferenceJ2[p][1] == 3);
    EXPECT_EQ(info.scale, std::max(kReferenceJ2[p][0], kReferenceJ2[p][1]));
  }
}

TEST(PacketTest, ConjugationMatchesTheReferenceTables) {
  // NEG_FOURIER_SUPPORT[2] flags these packets; [3] flags code mod 8 in {0, 2} for Psi_a, the rest for Psi_b.
  const std::set<int64_t> j2 = {0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31};
  for (int64_t p = 0; p < 32; ++p) EXPECT_EQ(conjugated_2d(p, 2), j2.count(p) == 1) << "P=" << p;
  for (int64_t p = 0; p < 128; ++p) {
    const bool low = (p % 64) % 8 == 0 || (p % 64) % 8 == 2;
    EXPECT_EQ(conjugated_2d(p, 3), p < 64 ? low : !low) << "P=" << p;
  }
}

TEST(PacketTest, BandIndexIsTheInverseGrayCode) {
  EXPECT_EQ(band_index(0b00, 2), 0);
  EXPECT_EQ(band_index(0b01, 2), 1);
  EXPECT_EQ(band_index(0b11, 2), 2);
  EXPECT_EQ(band_index(0b10, 2), 3);
  std::set<int64_t> bands;
  for (int64_t b = 0; b < 32; ++b) bands.insert(band_index(b, 5));
  EXPECT_EQ(bands.size(), 32u);
  for (int64_t code = 0; code < 256; ++code) {
    EXPECT_EQ(make_code(code_row_bits(code, 4), code_col_bits(code, 4), 4), code);
  }
}

std::set<int64_t> as_set(const std::vector<int64_t>& v) { return {v.begin(), v.end()}; }

// The reference's literal packet orders (wcnn resnet.py::_PERMUTE_FEATMAPS, _PERMUTE_FEATMAPS_EXCLUDE_EDGES and
// alexnet.py::_PERMUTE_FEATMAPS), kept here as fixtures that the derived order must reproduce.
const std::vector<int64_t> kReferenceResNet = {1,  2,  19, 17, 18, 3,  5,  6,  20, 23, 9,  10, 24, 27, 13,
                                               14, 28, 31, 4,  7,  21, 22, 8,  11, 25, 26, 12, 15, 29, 30};
const std::vector<int64_t> kReferenceResNetEx = {1, 2, 19, 17, 18, 3, 5, 23, 10, 27, 31, 7, 21, 11, 26, 15};
const std::vector<int64_t> kReferenceAlexNet = {
    1,  2,  67, 65, 66, 3,  4,   5,   70,  71,  8,   10,  73,  75,  76, 77, 78, 79, 6,  7,  68,  69,  9,   11,
    72, 74, 12, 13, 14, 15, 17,  18,  20,  21,  24,  26,  80,  83,  86, 87, 89, 91, 92, 93, 94,  95,  33,  34,
    36, 37, 40, 42, 96, 99, 102, 103, 105, 107, 108, 109, 110, 111, 16, 19, 22, 23, 25, 27, 28,  29,  30,  31,
    81, 82, 84, 85, 88, 90, 32,  35,  38,  39,  41,  43,  44,  45,  46, 47, 97, 98, 100, 101, 104, 106};

TEST(PacketTest, DerivedOrderEqualsTheReferenceLists) {
  EXPECT_EQ(ordered_packets(2, PacketSelection::kAllButLowpass), kReferenceResNet);
  EXPECT_EQ(ordered_packets(2, PacketSelection::kExcludeEdges), kReferenceResNetEx);
  EXPECT_EQ(ordered_packets(3, PacketSelection::kAlexNet), kReferenceAlexNet);
  EXPECT_EQ(as_set(select_packets(2, PacketSelection::kExcludeEdges)), as_set(kReferenceResNetEx));
}

TEST(PacketTest, ReferenceSectionsFollowFromTheMetadata) {
  // ResNet `Ex` sections [6, 4, 1, 4, 1]: scale 1; scale 2 with s_r = - off and on the diagonal; then s_r = +.
  const auto ex = ordered_packets(2, PacketSelection::kExcludeEdges);
  for (int64_t i = 0; i < 16; ++i) {
    const PacketInfo p = packet_info(ex[i], 2);
    if (i < 6) {
      EXPECT_EQ(p.scale, 1);
      continue;
    }
    EXPECT_EQ(p.scale, 2) << "P=" << ex[i];
    EXPECT_EQ(p.orientation, i < 11 ? -1 : 1) << "P=" << ex[i];
    EXPECT_EQ(p.band_row == 2 && p.band_col == 2, i == 10 || i == 15) << "P=" << ex[i];
  }
  // AlexNet sections [6, 24, 64]: l-infinity scale 1, 2..3, 4..7; the 64 in four groups of 16 by
  // orientation sign and by which axis carries the high band.
  const auto alex = ordered_packets(3, PacketSelection::kAlexNet);
  for (int64_t i = 0; i < 94; ++i) {
    const PacketInfo p = packet_info(alex[i], 3);
    if (i < 6) {
      EXPECT_EQ(p.scale, 1);
    } else if (i < 30) {
      EXPECT_TRUE(p.scale == 2 || p.scale == 3) << "P=" << alex[i];
    }
    if (i >= 30) {
      const int64_t group = (i - 30) / 16;
      EXPECT_GE(p.scale, 4);
      EXPECT_EQ(p.orientation, group < 2 ? -1 : 1) << "P=" << alex[i];
      EXPECT_EQ(p.band_col >= 4, group % 2 == 0) << "P=" << alex[i];
    }
  }
}

// Share of a kernel's spectral energy on the side `sign` of an axis (the line xi = 0 counts half).
double side_share(const torch::Tensor& power, const torch::Tensor& xi, int64_t dim, int sign) {
  const torch::Tensor axis = dim == 0 ? xi.view({-1, 1}) : xi.view({1, -1});
  const torch::Tensor weight = (axis * sign > 0).to(torch::kFloat64) + 0.5 * (axis == 0).to(torch::kFloat64);
  return (power * weight).sum().item<double>() / power.sum().item<double>();
}

TEST(PacketTest, PacketsAreAnalyticInTheHalfPlanesTheMetadataSays) {
  for (int64_t levels = 1; levels <= 4; ++levels) {
    const EquivalentKernel k = equivalent_kernel2d(DtCwptOptions(levels), dual_tree_filter_tensor("qshift_a"));
    const int64_t n = 256, top = (int64_t{1} << levels) - 1;
    const torch::Tensor xi = torch::fft::fftfreq(n, torch::kFloat64);
    for (int64_t p = 0; p < (int64_t{2} << (2 * levels)); ++p) {
      const PacketInfo info = packet_info(p, levels);
      const torch::Tensor w = torch::complex(k.weight[2 * p][0], k.weight[2 * p + 1][0]);
      const torch::Tensor power = torch::fft::fft2(w, {{n, n}}).abs().square();
      const double col = side_share(power, xi, 1, 1);
      const double row = side_share(power, xi, 0, info.orientation);
      const bool col_edge = info.band_col == 0 || info.band_col == top;
      const bool row_edge = info.band_row == 0 || info.band_row == top;
      EXPECT_GE(col, col_edge ? 0.80 : 0.995) << "J=" << levels << " P=" << p;
      EXPECT_GE(row, row_edge ? 0.80 : 0.995) << "J=" << levels << " P=" << p;
    }
  }
}

// Depths 1..4 as the 2-D test; at J = 5 the bands next to 0 and 2^J - 1 fall to 99.2 %.
TEST(PacketTest, OneDimensionalPacketsAreAnalytic) {
  for (int64_t levels = 1; levels <= 4; ++levels) {
    const EquivalentKernel k = equivalent_kernel1d(DtCwptOptions(levels), dual_tree_filter_tensor("qshift_a"));
    const int64_t n = 1024, top = (int64_t{1} << levels) - 1;
    const torch::Tensor xi = torch::fft::fftfreq(n, torch::kFloat64);
    for (int64_t p = 0; p <= top; ++p) {
      const torch::Tensor w = torch::complex(k.weight[2 * p][0], k.weight[2 * p + 1][0]);
      const torch::Tensor power = torch::fft::fft(w, n).abs().square().view({1, -1});
      const int64_t band = band_index(p, levels);
      EXPECT_GE(side_share(power, xi, 1, 1), band == 0 || band == top ? 0.80 : 0.995) << "J=" << levels << " p=" << p;
    }
  }
}

TEST(PacketTest, CharacteristicFrequenciesLieInTheirBands) {
  for (int64_t levels = 2; levels <= 3; ++levels) {
    const double width = M_PI / (int64_t{1} << levels);
    for (const PacketInfo& p : packet_table(levels)) {
      EXPECT_GT(p.freq_col, 0) << "P=" << p.index;
      EXPECT_EQ(p.freq_row > 0 ? 1 : -1, p.orientation) << "P=" << p.index;
      EXPECT_GE(std::abs(p.freq_row), p.band_row * width) << "P=" << p.index;
      EXPECT_LE(std::abs(p.freq_row), (p.band_row + 1) * width) << "P=" << p.index;
      EXPECT_GE(p.freq_col, p.band_col * width) << "P=" << p.index;
      EXPECT_LE(p.freq_col, (p.band_col + 1) * width) << "P=" << p.index;
    }
  }
  for (const Packet1dInfo& p : packet_table_1d(3)) {
    EXPECT_GE(p.freq, p.band * M_PI / 8);
    EXPECT_LE(p.freq, (p.band + 1) * M_PI / 8);
  }
}

TEST(PacketTest, RejectsOutOfRangePackets) {
  EXPECT_THROW_WITH(packet_info(32, 2), "expected 0 <= packet < 32");
}

}  // namespace
}  // namespace wavetwin::wavelets
