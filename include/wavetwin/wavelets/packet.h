// wavetwin/wavelets/packet.h: metadata of the DT-CWPT packets (bands, orientation, flags, frequency).
//
// A 2-D complex packet P = tree * 4^J + code, tree 0 = Psi_a = psi(row) (x) psi(col) and
// tree 1 = Psi_b = psi(row) (x) conj psi(col). The code has J base-4 digits d_j = 2 v_j + u_j (d_1 most
// significant): v_j is the branch (0 low, 1 high) taken at stage j along rows (vertical), u_j along columns.
// The frequency band of a bit sequence b_1..b_J is its inverse Gray code k (k_1 = b_1,
// k_j = k_{j-1} xor b_j): the packet's support is |xi| in [k pi / 2^J, (k+1) pi / 2^J] on that axis.
// sigma(b) = -1 when b_2..b_J are all 0 (low-pass continuation), +1 otherwise. After the reference's
// conjugation (make_analytic) every packet lives in xi_col > 0, with xi_row of sign
//   s_r = sigma(v) sigma(u) (Psi_a),  -sigma(v) sigma(u) (Psi_b)        (reference-system.md 1.7-1.8).
// Frequencies use W(xi) = sum_n w[n] exp(-i <xi, n>) for the packet's cross-correlation kernel w.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wavetwin::wavelets {

/// Inverse Gray code of a J-bit branch sequence (bit J-1 = stage 1): the band index k in [0, 2^J).
inline int64_t band_index(int64_t bits, int64_t levels) {
  int64_t band = 0;
  int64_t previous = 0;
  for (int64_t j = levels - 1; j >= 0; --j) {
    previous ^= (bits >> j) & 1;
    band |= previous << j;
  }
  return band;
}

/// sigma(b): -1 when the branches after stage 1 are all low-pass, +1 otherwise.
inline int continuation_sign(int64_t bits, int64_t levels) {
  const int64_t after_first = bits & ((int64_t{1} << (levels - 1)) - 1);
  return after_first == 0 ? -1 : 1;
}

/// Row (v) bits of a 2-D code.
inline int64_t code_row_bits(int64_t code, int64_t levels) {
  int64_t bits = 0;
  for (int64_t j = 0; j < levels; ++j) bits |= ((code >> (2 * j + 1)) & 1) << j;
  return bits;
}

/// Column (u) bits of a 2-D code.
inline int64_t code_col_bits(int64_t code, int64_t levels) {
  int64_t bits = 0;
  for (int64_t j = 0; j < levels; ++j) bits |= ((code >> (2 * j)) & 1) << j;
  return bits;
}

/// The 2-D code with row bits v and column bits u.
inline int64_t make_code(int64_t row_bits, int64_t col_bits, int64_t levels) {
  int64_t code = 0;
  for (int64_t j = 0; j < levels; ++j) {
    code |= ((row_bits >> j) & 1) << (2 * j + 1);
    code |= ((col_bits >> j) & 1) << (2 * j);
  }
  return code;
}

/// Whether make_analytic conjugates 2-D packet P: Psi_a packets with sigma(u) = -1 and Psi_b packets with
/// sigma(u) = +1, for any J (wcnn `DtCwpt2d._get_complexconjugates` tabulates only J = 2, 3).
inline bool conjugated_2d(int64_t packet, int64_t levels) {
  const int64_t per_tree = int64_t{1} << (2 * levels);
  const int64_t tree = packet / per_tree;
  const int sigma_u = continuation_sign(code_col_bits(packet % per_tree, levels), levels);
  return tree == 0 ? sigma_u < 0 : sigma_u > 0;
}

/// Whether the 1-D transform conjugates packet `path` (psi = phi_1 + i phi_2): when sigma(bits) = -1,
/// so that every packet lives in xi > 0.
inline bool conjugated_1d(int64_t path, int64_t levels) { return continuation_sign(path, levels) < 0; }

/// Everything known about one complex 2-D packet.
struct PacketInfo {
  int64_t index = 0;      ///< P = tree * 4^J + code; channels 2P (Re) and 2P+1 (Im) of the transform.
  int64_t tree = 0;       ///< 0 = Psi_a, 1 = Psi_b.
  int64_t code = 0;       ///< base-4 packet code.
  int64_t row_bits = 0;   ///< v_1..v_J (v_1 most significant).
  int64_t col_bits = 0;   ///< u_1..u_J.
  int64_t band_row = 0;   ///< k_r.
  int64_t band_col = 0;   ///< k_c.
  int orientation = 1;    ///< s_r, the sign of xi_row over the packet's support (xi_col > 0).
  int64_t scale = 0;      ///< max(k_r, k_c), the l-infinity band ("scale group" of the reference configs).
  bool edge = false;      ///< k_r or k_c is the top band 2^J - 1 (support touches |xi| = pi).
  bool lowpass = false;   ///< k_r = k_c = 0.
  bool conjugated = false;  ///< Im negated by make_analytic.
  double freq_row = 0;    ///< characteristic frequency xi_row, measured (rad/sample); see packet_table.
  double freq_col = 0;    ///< characteristic frequency xi_col, measured.
};

/// Metadata of 2-D packet P of depth `levels`, from the rules above (frequencies left at 0).
PacketInfo packet_info(int64_t packet, int64_t levels);

/// Metadata of all 2 * 4^J packets with the characteristic frequency measured on the equivalent kernel of
/// the fully decimated transform: the power-weighted centroid of |W|^2 over the quadrant holding the most
/// energy (FFT grid of at least 128 points per axis).
std::vector<PacketInfo> packet_table(int64_t levels, const std::string& filters = "qshift_a");

/// Everything known about one complex 1-D packet.
struct Packet1dInfo {
  int64_t index = 0;  ///< path, channels 2*index (Re), 2*index+1 (Im).
  int64_t bits = 0;   ///< b_1..b_J.
  int64_t band = 0;   ///< k.
  bool edge = false;
  bool lowpass = false;
  bool conjugated = false;
  double freq = 0;    ///< measured power centroid over xi > 0 (rad/sample).
};

/// Metadata of all 2^J 1-D packets, frequencies measured as for packet_table.
std::vector<Packet1dInfo> packet_table_1d(int64_t levels, const std::string& filters = "qshift_a");

/// Selection rules of the reference's twin models (reference-system.md 1.10), computed from metadata.
enum class PacketSelection {
  kAllButLowpass,   ///< ResNet twin, full: every packet but the two low-pass ones.
  kExcludeEdges,    ///< ResNet twin `Ex`: neither low-pass nor edge.
  kAlexNet,         ///< AlexNet twin: neither low-pass nor k_r, k_c both >= 2^(J-1).
};

/// Indices P kept by `rule`, in increasing order.
std::vector<int64_t> select_packets(int64_t levels, PacketSelection rule);

/// The packets kept by `rule` in the order the twins' mixing sections read them, which fixes the meaning of
/// trained mixing weights. The reference groups them by orientation (wcnn `_PERMUTE_FEATMAPS*`); from the
/// metadata, that order is: by scale group g (2^g <= scale < 2^(g+1): the stage at which the packet first
/// leaves the low-pass, coarsest first), then orientation (s_r = -1 first), then which axes are high-pass at
/// that stage (column only, row only, both: 2 [k_r >= 2^g] + [k_c >= 2^g]), then tree (a first), then code.
std::vector<int64_t> ordered_packets(int64_t levels, PacketSelection rule);

}  // namespace wavetwin::wavelets
