// apps/wavetwin/kernels.cpp: `wavetwin kernels`: analysis of a first layer's real kernels.
#include <torch/torch.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/layers/hilbert.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/report/mosaic.h"
#include "wavetwin/report/table.h"
#include "wavetwin/study/kernels.h"
#include "wavetwin/study/theory.h"

namespace wavetwin::cli {
namespace {

struct KernelsArgs {
  std::string input;
  std::string layer;
  int64_t m = 4;
  int64_t q = 1;
  int64_t fft = 64;
  double lowpass = 0.5;
  std::string out;
};

// The kernel bank: the tensor named by --layer, or the file's only tensor, or its first 4-D one.
std::pair<std::string, torch::Tensor> select_kernels(const KernelsArgs& args) {
  const auto tensors = data::load_tensors(args.input);
  std::string candidates;
  for (const auto& [name, t] : tensors) {
    if (t.dim() == 4 && t.is_floating_point()) candidates += (candidates.empty() ? "" : ", ") + name;
  }
  if (!args.layer.empty()) {
    for (const auto& [name, t] : tensors) {
      if (name == args.layer || name == args.layer + ".weight") {
        WAVETWIN_CHECK(t.dim() == 4 && t.is_floating_point(), args.input, ": ", name, " has shape ", t.sizes(),
                       "; expected real kernels (K, C, h, w)");
        return {name, t};
      }
    }
    WAVETWIN_FAIL(args.input, ": no tensor named ", args.layer, "; 4-D tensors: ",
                  candidates.empty() ? "none" : candidates);
  }
  for (const auto& [name, t] : tensors) {
    if (t.dim() == 4 && t.is_floating_point()) return {name.empty() ? "tensor" : name, t};
  }
  WAVETWIN_FAIL(args.input, ": holds no 4-D floating-point tensor; expected kernels (K, C, h, w)");
}

void run_kernels(const KernelsArgs& args) {
  const auto dir = output_dir(args.out);
  const auto [name, weight] = select_kernels(args);
  WAVETWIN_CHECK(!weight.is_complex(), args.input, ": ", name, " is complex; expected real kernels");
  const torch::Tensor v = weight.detach().to(torch::kCPU, torch::kFloat64);
  std::printf("kernels: %s from %s, %lld kernels of %lld x %lld x %lld\n", name.c_str(), args.input.c_str(),
              static_cast<long long>(v.size(0)), static_cast<long long>(v.size(1)), static_cast<long long>(v.size(2)),
              static_cast<long long>(v.size(3)));
  const study::KernelMeasures measures =
      study::analyse_kernels(v, study::KernelAnalysisOptions().m(args.m).q(args.q).fft_size(args.fft));

  report::Table csv({"kernel", "freq_row", "freq_col", "freq_norm", "orientation", "coherence", "lowpass",
                     "gabor_likeness", "gamma2"});
  std::vector<std::array<double, 2>> bandpass, lowpass;
  const int64_t k = v.size(0);
  for (int64_t i = 0; i < k; ++i) {
    const double fr = measures.frequency[i][0].item<double>(), fc = measures.frequency[i][1].item<double>();
    const double lp = measures.lowpass[i].item<double>();
    csv.add_row({std::to_string(i), report::cell(fr), report::cell(fc), report::cell(std::hypot(fr, fc)),
                 report::cell(measures.orientation[i].item<double>()), report::cell(measures.coherence[i].item<double>()),
                 report::cell(lp), report::cell(measures.gabor_likeness[i].item<double>()),
                 report::cell(measures.gamma2[i].item<double>())});
    (lp >= args.lowpass ? lowpass : bandpass).push_back({fr, fc});
  }
  csv.write_csv((dir / "kernels.csv").string());
  std::printf("wrote %s\n", (dir / "kernels.csv").c_str());

  const torch::Tensor analytic = layers::hilbert_kernels(v);
  data::save_tensor((dir / "analytic.pt").string(), analytic);
  std::printf("wrote %s\n", (dir / "analytic.pt").c_str());

  const int64_t zoom = std::max<int64_t>(1, 48 / std::max(v.size(2), v.size(3)));
  const torch::Tensor shown = v.size(1) == 3 ? v : v.mean(1, true);
  data::write_png((dir / "kernels.png").string(), report::mosaic(shown, report::TileScale::kEach, zoom));
  std::printf("wrote %s\n", (dir / "kernels.png").c_str());
  data::write_png((dir / "spectra.png").string(),
                  report::mosaic(study::kernel_spectra(v).unsqueeze(1), report::TileScale::kEach, 1));
  std::printf("wrote %s\n", (dir / "spectra.png").c_str());

  report::Panel panel = report::frequency_panel(
      "characteristic frequencies over γ_q(mθ)², m = " + std::to_string(args.m), "γ²");
  panel.heat_map = report::frequency_lattice(study::gamma_map(args.m, args.q, 256));
  panel.colour_min = 0;
  if (!bandpass.empty()) panel.series.push_back(report::frequency_points(bandpass, "band-pass kernels", "#d62728"));
  if (!lowpass.empty()) {
    panel.series.push_back(report::frequency_points(lowpass, "low-pass kernels (|Σv|/‖v‖₁ ≥ " +
                                                                 report::cell(args.lowpass, 3) + ")", "#1f77b4"));
  }
  panel.legend = "bottom right";
  write_figure(report::Figure{"", {panel}, 1, 640, 560}, dir / "frequencies.png");

  std::printf("kernels: Gabor-likeness (m = %lld) mean %.3f, median %.3f; predicted gamma^2 mean %.3f; "
              "%zu band-pass, %zu low-pass\n", static_cast<long long>(args.m),
              measures.gabor_likeness.mean().item<double>(), measures.gabor_likeness.median().item<double>(),
              measures.gamma2.mean().item<double>(), bandpass.size(), lowpass.size());
}

}  // namespace

Runner add_kernels(CLI::App& app) {
  auto args = std::make_shared<KernelsArgs>();
  CLI::App* sub = app.add_subcommand(
      "kernels", "Analyse a first layer's kernels: frequencies, orientation, Gabor-likeness, predicted gamma^2");
  sub->add_option("input", args->input, "A torch.save file: a (K, C, h, w) tensor, a state_dict or a checkpoint")
      ->required();
  sub->add_option("--layer", args->layer, "Name of the kernels in a state_dict (e.g. features.0.weight or conv1)");
  sub->add_option("--m", args->m, "Subsampling factor of the layer (Gabor-likeness bandwidth pi/m, gamma_q(m xi))")
      ->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--q", args->q, "Max-pooling half-width q")->capture_default_str()->check(CLI::Range(1, 16));
  sub->add_option("--fft", args->fft, "FFT size of the Gabor-likeness (a multiple of 2m)")->capture_default_str()
      ->check(CLI::Range(8, 1024));
  sub->add_option("--lowpass", args->lowpass, "Kernels with |sum v| / ||v||_1 at least this are drawn as low-pass")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  sub->add_option("--out", args->out, "Output directory (kernels.csv, analytic.pt, kernels.png, spectra.png, "
                  "frequencies.png)")->required();
  return [sub, args] {
    if (sub->parsed()) run_kernels(*args);
  };
}

}  // namespace wavetwin::cli
