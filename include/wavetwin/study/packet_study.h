// wavetwin/study/packet_study.h: the per-filter study workflow: over a folder of natural images, the RMax/CMod
// discrepancy rho^2 and the shift stability of RMax and CMod for every DT-CWPT packet (P1 section 6), beside
// the theory's gamma^2, as study.csv, summary.json and three frequency-plane figures. What `wavetwin study` runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"
#include "wavetwin/report/output.h"
#include "wavetwin/study/filter_study.h"

namespace wavetwin::study {

/// Example: `study_packets({.images = "photos", .depth = 2, .out = "study"})`
struct PacketStudyOptions {
  /// Folder of JPEG / PNG images, searched recursively.
  std::string images;
  /// DT-CWPT depth J (m = 2^(J-1)).
  int64_t depth = 3;
  /// Only the first N files; nullopt: all.
  std::optional<int64_t> limit;
  /// The translation (rows, columns) in pixels.
  Shift shift{0, 1};
  /// Crop size (the paper: 224).
  int64_t size = 224;
  /// Max-pooling half-width q.
  int64_t q = 1;
  /// Images per batch.
  int64_t batch = 32;
  /// Output folder: study.csv, summary.json, discrepancy.png, rmax_stability.png, cmod_stability.png.
  std::string out;
  /// (files done, total).
  std::function<void(int64_t, int64_t)> progress;
};

struct PacketStudy {
  int64_t files = 0, images = 0;
  std::vector<data::LoadFailure> failures;  ///< files that could not be read as images (skipped)
  int64_t packets = 0;                      ///< band-pass packets measured
  double correlation = 0;                   ///< between rho^2 and gamma^2 across the packets
  int64_t cmod_more_stable = 0;             ///< packets where CMod is more stable than RMax
  double seconds = 0;
  report::Output output;
};

/// Throws wavetwin::Error naming the folder when it holds no readable image.
PacketStudy study_packets(const PacketStudyOptions& options);

}  // namespace wavetwin::study
