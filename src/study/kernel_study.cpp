// src/study/kernel_study.cpp: the kernel-analysis workflow.
#include "wavetwin/study/kernel_study.h"

#include <torch/torch.h>

#include <cmath>

#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/layers/hilbert.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/report/mosaic.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::study {
namespace {

// The kernel bank: the tensor named by `layer`, or the file's only tensor, or its first 4-D one.
std::pair<std::string, torch::Tensor> select_kernels(const KernelStudyOptions& o) {
  // A checkpoint of wavetwin train, or a torch.save file (a tensor, a dict of them, a state_dict saved as dict).
  const auto tensors = runs::is_checkpoint(o.input) ? runs::checkpoint_weights(o.input) : data::load_tensors(o.input);
  std::string candidates;
  for (const auto& [name, t] : tensors) {
    if (t.dim() == 4 && t.is_floating_point()) candidates += (candidates.empty() ? "" : ", ") + name;
  }
  if (o.layer) {
    for (const auto& [name, t] : tensors) {
      if (name == *o.layer || name == *o.layer + ".weight") {
        WAVETWIN_CHECK(t.dim() == 4 && t.is_floating_point(), o.input, ": ", name, " has shape ", t.sizes(),
                       "; expected real kernels (K, C, h, w)");
        return {name, t};
      }
    }
    WAVETWIN_FAIL(o.input, ": no tensor named ", *o.layer, "; 4-D tensors: ", candidates.empty() ? "none" : candidates);
  }
  for (const auto& [name, t] : tensors) {
    if (t.dim() == 4 && t.is_floating_point()) return {name.empty() ? "tensor" : name, t};
  }
  WAVETWIN_FAIL(o.input, ": holds no 4-D floating-point tensor; expected kernels (K, C, h, w)");
}

}  // namespace

KernelStudy study_kernels(const KernelStudyOptions& o) {
  const auto dir = report::output_dir(o.out);
  KernelStudy result;
  const auto [name, weight] = select_kernels(o);
  WAVETWIN_CHECK(!weight.is_complex(), o.input, ": ", name, " is complex; expected real kernels");
  const torch::Tensor v = weight.detach().to(torch::kCPU, torch::kFloat64);
  result.name = name;
  result.shape = v.sizes().vec();
  result.measures = analyse_kernels(v, KernelAnalysisOptions().m(o.m).q(o.q).fft_size(o.fft));
  const KernelMeasures& measures = result.measures;

  report::Table csv({"kernel", "freq_row", "freq_col", "freq_norm", "orientation", "coherence", "lowpass",
                     "gabor_likeness", "gamma2"});
  std::vector<std::array<double, 2>> bandpass, lowpass;
  for (int64_t i = 0; i < v.size(0); ++i) {
    const double fr = measures.frequency[i][0].item<double>(), fc = measures.frequency[i][1].item<double>();
    const double lp = measures.lowpass[i].item<double>();
    csv.add_row({std::to_string(i), report::cell(fr), report::cell(fc), report::cell(std::hypot(fr, fc)),
                 report::cell(measures.orientation[i].item<double>()), report::cell(measures.coherence[i].item<double>()),
                 report::cell(lp), report::cell(measures.gabor_likeness[i].item<double>()),
                 report::cell(measures.gamma2[i].item<double>())});
    (lp >= o.lowpass ? lowpass : bandpass).push_back({fr, fc});
  }
  result.bandpass = static_cast<int64_t>(bandpass.size());
  result.lowpass = static_cast<int64_t>(lowpass.size());
  report::write_csv(dir / "kernels.csv", csv, result.output);

  data::save_tensor((dir / "analytic.pt").string(), layers::hilbert_kernels(v));
  result.output.files.push_back(dir / "analytic.pt");

  const int64_t zoom = std::max<int64_t>(1, 48 / std::max(v.size(2), v.size(3)));
  const torch::Tensor shown = v.size(1) == 3 ? v : v.mean(1, true);
  data::write_png((dir / "kernels.png").string(), report::mosaic(shown, report::TileScale::kEach, zoom));
  result.output.files.push_back(dir / "kernels.png");
  data::write_png((dir / "spectra.png").string(),
                  report::mosaic(kernel_spectra(v).unsqueeze(1), report::TileScale::kEach, 1));
  result.output.files.push_back(dir / "spectra.png");

  report::Panel panel = report::frequency_panel(
      "characteristic frequencies over γ_q(mθ)², m = " + std::to_string(o.m), "γ²");
  panel.heat_map = report::frequency_lattice(gamma_map(o.m, o.q, 256));
  panel.colour_min = 0;
  if (!bandpass.empty()) panel.series.push_back(report::frequency_points(bandpass, "band-pass kernels", "#d62728"));
  if (!lowpass.empty()) {
    panel.series.push_back(report::frequency_points(lowpass, "low-pass kernels (|Σv|/‖v‖₁ ≥ " +
                                                                 report::cell(o.lowpass, 3) + ")", "#1f77b4"));
  }
  panel.legend = "bottom right";
  report::write_figures({{report::Figure{"", {panel}, 1, 640, 560}, dir / "frequencies.png"}}, result.output);
  return result;
}

}  // namespace wavetwin::study
