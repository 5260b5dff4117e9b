// apps/wavetwin/kernels.cpp: `wavetwin kernels`: flags to study::KernelStudyOptions, the summary printed.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "wavetwin/study/kernel_study.h"

namespace wavetwin::cli {
namespace {

void print_kernels(const study::KernelStudyOptions& o, const study::KernelStudy& k) {
  std::printf("kernels: %s from %s, %lld kernels of %lld x %lld x %lld\n", k.name.c_str(), o.input.c_str(),
              static_cast<long long>(k.shape[0]), static_cast<long long>(k.shape[1]),
              static_cast<long long>(k.shape[2]), static_cast<long long>(k.shape[3]));
  print_output(k.output);
  std::printf("kernels: Gabor-likeness (m = %lld) mean %.3f, median %.3f; predicted gamma^2 mean %.3f; "
              "%lld band-pass, %lld low-pass\n", static_cast<long long>(o.m),
              k.measures.gabor_likeness.mean().item<double>(), k.measures.gabor_likeness.median().item<double>(),
              k.measures.gamma2.mean().item<double>(), static_cast<long long>(k.bandpass),
              static_cast<long long>(k.lowpass));
}

}  // namespace

Runner add_kernels(CLI::App& app) {
  auto o = std::make_shared<study::KernelStudyOptions>();
  CLI::App* sub = app.add_subcommand(
      "kernels", "Analyse a first layer's kernels: frequencies, orientation, Gabor-likeness, predicted gamma^2");
  sub->add_option("input", o->input, "A torch.save file: a (K, C, h, w) tensor, a state_dict or a checkpoint")
      ->required();
  add_optional(sub, "--layer", o->layer, "Name of the kernels in a state_dict (e.g. features.0.weight or conv1)");
  sub->add_option("--m", o->m, "Subsampling factor of the layer (Gabor-likeness bandwidth pi/m, gamma_q(m xi))")
      ->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--q", o->q, "Max-pooling half-width q")->capture_default_str()->check(CLI::Range(1, 16));
  sub->add_option("--fft", o->fft, "FFT size of the Gabor-likeness (a multiple of 2m)")->capture_default_str()
      ->check(CLI::Range(8, 1024));
  sub->add_option("--lowpass", o->lowpass, "Kernels with |sum v| / ||v||_1 at least this are drawn as low-pass")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  sub->add_option("--out", o->out, "Output directory (kernels.csv, analytic.pt, kernels.png, spectra.png, "
                  "frequencies.png)")->required();
  return [sub, o] {
    if (sub->parsed()) print_kernels(*o, study::study_kernels(*o));
  };
}

}  // namespace wavetwin::cli
