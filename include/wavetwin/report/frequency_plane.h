// wavetwin/report/frequency_plane.h: figures over the frequency plane [-pi, pi]^2 (P1's figures): heat maps
// of a function of the frequency, DT-CWPT packets as cells at their characteristic frequencies, and kernels'
// frequencies as points.
//
// Frame: x = omega_x, the horizontal (column) frequency; y = omega_y = -xi_row, the vertical frequency with
// up positive (the reference's frame, reference-system.md section 2), both in radians per sample.
#pragma once

#include <torch/types.h>

#include <array>
#include <string>
#include <vector>

#include "wavetwin/report/plot.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::report {

/// An empty panel over [-pi, pi]^2 with ticks at multiples of pi/2 and equal scales.
Panel frequency_panel(const std::string& title, const std::string& colour_label);

/// A heat map of values on a (grid, grid) lattice theta = -pi + 2 pi k / grid of (row, column) frequencies
/// (xi_row, xi_col), row 0 at xi_row = -pi (study::gamma_map's layout), in the plot's frame.
HeatMap frequency_lattice(const torch::Tensor& values);

/// The packets' values as cells of side pi / 2^J at their characteristic frequencies, each copied to the
/// opposite frequency (the real part's spectrum is symmetric): a (2^(J+1), 2^(J+1)) heat map. `values` has
/// one entry per packet of `table`; NaN (for instance low-pass packets) leaves a cell blank. Throws when two
/// packets fall in one cell.
HeatMap packet_cells(const std::vector<wavelets::PacketInfo>& table, const std::vector<double>& values,
                     int64_t levels);

/// Points at frequencies (xi_row, xi_col) and at their opposites, in the plot's frame.
Series frequency_points(const std::vector<std::array<double, 2>>& frequencies, const std::string& title,
                        const std::string& colour);

}  // namespace wavetwin::report
