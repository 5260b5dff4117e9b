// wavetwin/report/plot.h: figures as PNG, drawn by gnuplot (pngcairo terminal, Debian's gnuplot-nox).
//
// A Figure is a grid of panels; a panel holds an optional heat map (a regular grid of values over a
// rectangle, NaN cells left blank) and any number of line or point series. render() writes the figure's
// gnuplot script next to the PNG (data inline, so a researcher can restyle it and run `gnuplot NAME.gp`), then
// runs gnuplot. Without gnuplot the script is still written and render() says so and returns false: the data
// a figure shows is always also written as CSV by its caller.
#pragma once

#include <torch/types.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wavetwin::report {

/// Tick marks (value, label); empty for gnuplot's automatic ticks.
using Ticks = std::vector<std::pair<double, std::string>>;

/// Ticks at every multiple of pi / divisions in [lo, hi], labelled "-π", "-π/2", "0", "π/2", "3π/4", ...
Ticks pi_ticks(double lo, double hi, int divisions = 2);

struct Axis {
  std::string label;
  /// Range; NaN for automatic.
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  Ticks ticks;
  bool log = false;
};

enum class Palette {
  kGreys,      ///< white (low) to black (high), the paper's figures
  kViridis,    ///< perceptually uniform, dark blue to yellow
  kDiverging,  ///< magenta - white - green (matplotlib's PiYG), for signed values
};

/// A heat map: values (rows, cols) over [x_min, x_max] x [y_min, y_max]; row 0 is the bottom (y_min) row.
/// NaN cells are left blank.
struct HeatMap {
  torch::Tensor values;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
};

enum class SeriesStyle { kLines, kPoints, kLinesPoints };

struct Series {
  std::string title;  ///< legend entry; empty for none
  std::vector<double> x, y;
  SeriesStyle style = SeriesStyle::kLines;
  std::string colour;  ///< "#rrggbb"; empty for the default sequence
  /// A band from y_low to y_high at each x (a confidence interval), shaded in the series' colour; empty for none.
  std::vector<double> y_low{}, y_high{};
};

struct Panel {
  std::string title;
  Axis x, y;
  /// Colour scale of the heat map: label and range (NaN for automatic).
  std::string colour_label;
  double colour_min = std::numeric_limits<double>::quiet_NaN();
  double colour_max = std::numeric_limits<double>::quiet_NaN();
  Palette palette = Palette::kGreys;
  std::optional<HeatMap> heat_map;
  std::vector<Series> series;
  bool square = false;  ///< equal scales on x and y
  std::string legend = "top right";
};

struct Figure {
  std::string title;
  std::vector<Panel> panels;
  int columns = 0;  ///< panels per row; 0: all in one row
  int panel_width = 520, panel_height = 460;
};

/// The gnuplot script that draws `figure` into `png` (written as given into `set output`).
std::string gnuplot_script(const Figure& figure, const std::string& png);

/// Whether gnuplot can be run (looked up on PATH once).
bool gnuplot_available();

/// Writes `png` (atomically) and its script with the extension .gp beside it. Returns false, having still
/// written the script, when gnuplot is not installed; throws wavetwin::Error when gnuplot fails.
bool render(const Figure& figure, const std::filesystem::path& png);

/// render() for several figures, drawn by concurrent gnuplot processes.
bool render(const std::vector<std::pair<Figure, std::filesystem::path>>& figures);

}  // namespace wavetwin::report
