// apps/wavetwin/study.cpp: `wavetwin study`: flags to study::PacketStudyOptions, the summary printed.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "print.h"
#include "wavetwin/error.h"

namespace wavetwin::cli {
namespace {

struct StudyFlags {
  study::PacketStudyOptions options;
  std::vector<int64_t> shift{1, 0};
  int64_t limit = 0;
};

void run(StudyFlags& f) {
  study::PacketStudyOptions& o = f.options;
  WAVETWIN_CHECK(f.shift.size() == 2, "--shift: ", f.shift.size(), " values; expected two: dx,dy");
  // The CLI speaks (x right, y down); the library (rows, columns).
  o.shift = {f.shift[1], f.shift[0]};
  if (f.limit > 0) o.limit = f.limit;
  std::printf("study: %s, J = %lld (m = %lld), %lldx%lld grey crops, shift dx = %lld, dy = %lld\n", o.images.c_str(),
              static_cast<long long>(o.depth), static_cast<long long>(int64_t{1} << (o.depth - 1)),
              static_cast<long long>(o.size), static_cast<long long>(o.size), static_cast<long long>(o.shift[1]),
              static_cast<long long>(o.shift[0]));
  std::fflush(stdout);
  o.progress = progress_line("study");
  print_study(study::study_packets(o));
}

}  // namespace

void print_study(const study::PacketStudy& s) {
  if (!s.failures.empty()) {
    std::fprintf(stderr, "study: %zu of %lld files could not be read as images and were skipped, e.g. %s: %s\n",
                 s.failures.size(), static_cast<long long>(s.files), s.failures.front().file.c_str(),
                 s.failures.front().reason.c_str());
  }
  print_output(s.output);
  std::printf("study: %lld images in %.1f s (%.0f images/s), %zu unreadable\n", static_cast<long long>(s.images),
              s.seconds, s.images / s.seconds, s.failures.size());
  std::printf("study: correlation across %lld packets between rho^2 and gamma^2: %.3f\n",
              static_cast<long long>(s.packets), s.correlation);
  std::printf("study: CMod more stable than RMax for %lld of %lld packets\n", static_cast<long long>(s.cmod_more_stable),
              static_cast<long long>(s.packets));
  std::fflush(stdout);
}

Runner add_study(CLI::App& app) {
  auto f = std::make_shared<StudyFlags>();
  study::PacketStudyOptions& o = f->options;
  CLI::App* sub = app.add_subcommand(
      "study", "Measure, packet by packet, the RMax/CMod discrepancy and shift stability over a folder of images");
  sub->add_option("--images", o.images, "Folder of JPEG/PNG images (searched recursively)")->required();
  sub->add_option("--depth", o.depth, "DT-CWPT depth J (m = 2^(J-1))")->capture_default_str()->check(CLI::Range(1, 5));
  sub->add_option("--limit", f->limit, "Use only the first N files (0: all)")->check(kNonNegative);
  sub->add_option("--shift", f->shift, "Translation dx,dy in pixels, x to the right, y down (1,0: one pixel horizontally; 0,1 vertically; 1,1 diagonally)")
      ->delimiter(',')->expected(2)->capture_default_str();
  sub->add_option("--size", o.size, "Crop size (the paper: 224)")->capture_default_str()->check(CLI::Range(16, 4096));
  sub->add_option("--q", o.q, "Max-pooling half-width q")->capture_default_str()->check(CLI::Range(1, 16));
  sub->add_option("--batch", o.batch, "Images per batch")->capture_default_str()->check(CLI::Range(1, 4096));
  sub->add_option("--out", o.out, "Output directory (study.csv, summary.json, figures)")->required();
  return [sub, f] {
    if (sub->parsed()) run(*f);
  };
}

}  // namespace wavetwin::cli
