// wavetwin/study/theory_map.h: the theory-map workflow: gamma_q(m theta)^2 over the frequency plane (P1 Prop.
// 3.9) as a CSV matrix and a figure, with the DT-CWPT packets' characteristic frequencies overlaid on request.
// What `wavetwin theory` runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wavetwin/report/output.h"

namespace wavetwin::study {

/// Example: `write_theory_map({.m = 2, .out = "theory"})`
struct TheoryMapOptions {
  /// Subsampling factor m of the convolution (2 for J = 2, 4 for J = 3).
  int64_t m = 2;
  /// Max-pooling half-width q ((2q + 1)^2 window).
  int64_t q = 1;
  /// Frequencies per axis of the CSV (the figure shows at most 256).
  int64_t grid = 512;
  /// Overlay the characteristic frequencies of the DT-CWPT packets of this depth J.
  std::optional<int64_t> packets;
  /// Output folder: gamma.csv, gamma.png, gamma.gp.
  std::string out;
};

struct TheoryMap {
  int64_t m = 0, q = 0, grid = 0;     ///< as asked
  double min = 0, mean = 0, max = 0;  ///< of gamma^2 over the grid
  report::Output output;
};

TheoryMap write_theory_map(const TheoryMapOptions& options);

}  // namespace wavetwin::study
