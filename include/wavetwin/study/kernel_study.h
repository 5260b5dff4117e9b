// wavetwin/study/kernel_study.h: the kernel-analysis workflow: a first layer's real kernels read from a
// torch.save file, analysed (study/kernels.h), their analytic (Hilbert) counterparts saved, and drawn: kernels,
// spectra, characteristic frequencies over gamma_q(m theta)^2. What `wavetwin kernels` runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wavetwin/report/output.h"
#include "wavetwin/study/kernels.h"

namespace wavetwin::study {

/// Example: `study_kernels({.input = "alexnet.pt", .layer = "features.0.weight", .out = "kernels"})`
struct KernelStudyOptions {
  /// A torch.save file: a (K, C, h, w) tensor, a state_dict or a checkpoint.
  std::string input;
  /// Name of the kernels in a state_dict (NAME or NAME.weight); nullopt: the only or first 4-D tensor.
  std::optional<std::string> layer;
  int64_t m = 4, q = 1;
  /// FFT size of the Gabor-likeness (a multiple of 2m).
  int64_t fft = 64;
  /// Kernels with |sum v| / ||v||_1 at least this are drawn as low-pass.
  double lowpass = 0.5;
  /// Output folder: kernels.csv, analytic.pt, kernels.png, spectra.png, frequencies.png.
  std::string out;
};

struct KernelStudy {
  std::string name;                ///< the tensor analysed
  std::vector<int64_t> shape;      ///< (K, C, h, w)
  KernelMeasures measures;
  int64_t bandpass = 0, lowpass = 0;
  report::Output output;
};

/// Throws wavetwin::Error naming the file or tensor at fault.
KernelStudy study_kernels(const KernelStudyOptions& options);

}  // namespace wavetwin::study
