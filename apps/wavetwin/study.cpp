// apps/wavetwin/study.cpp: `wavetwin study`: the per-filter RMax/CMod discrepancy and shift stability of the
// DT-CWPT packets over a folder of natural images (P1 section 6).
#include <torch/torch.h>

#include <cstdio>
#include <memory>
#include <sstream>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/data/file.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/image_list.h"
#include "wavetwin/error.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/report/table.h"
#include "wavetwin/study/filter_study.h"
#include "wavetwin/study/theory.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::cli {
namespace {

// A grey crop of (size + |dr|) x (size + |dc|) pixels: the shorter side resized to size + max |shift| (up or
// down, PIL's antialiased bilinear), then centre-cropped, so that both translates of the pair are full crops.
torch::Tensor load_grey_crop(const std::filesystem::path& file, int64_t size, const study::Shift& shift) {
  const int64_t dr = std::abs(shift[0]), dc = std::abs(shift[1]);
  torch::Tensor image = data::read_image(file.string(), data::ColorMode::kGray);
  image = data::resize_shorter(image, size + std::max(dr, dc));
  image = data::center_crop(image, size + dr, size + dc);
  return data::to_float_chw(image);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const auto x = torch::tensor(a, torch::kFloat64), y = torch::tensor(b, torch::kFloat64);
  const auto xc = x - x.mean(), yc = y - y.mean();
  return ((xc * yc).sum() / (xc.norm() * yc.norm())).item<double>();
}

}  // namespace

void run_study(const StudyArgs& args) {
  WAVETWIN_CHECK(args.shift.size() == 2, "--shift: ", args.shift.size(), " values; expected two: dx,dy");
  // The CLI speaks (x right, y down); the library (rows, columns).
  const study::Shift shift{args.shift[1], args.shift[0]};
  WAVETWIN_CHECK(shift[0] != 0 || shift[1] != 0, "--shift 0,0: expected a non-zero translation");
  const auto dir = output_dir(args.out);
  std::vector<std::filesystem::path> files = data::list_files(args.images);
  if (args.limit > 0 && static_cast<size_t>(args.limit) < files.size()) files.resize(args.limit);
  const int64_t m = int64_t{1} << (args.depth - 1);
  std::printf("study: %zu files from %s, J = %lld (m = %lld), %lldx%lld grey crops, shift dx = %lld, dy = %lld\n",
              files.size(), args.images.c_str(), static_cast<long long>(args.depth), static_cast<long long>(m),
              static_cast<long long>(args.size), static_cast<long long>(args.size),
              static_cast<long long>(shift[1]), static_cast<long long>(shift[0]));

  study::FilterStudy filter_study(study::FilterStudyOptions().levels(args.depth).q(args.q).shift(shift));
  std::vector<data::LoadFailure> failures;
  ProgressLine progress("study", files.size());
  for (size_t begin = 0; begin < files.size(); begin += args.batch) {
    const size_t end = std::min(files.size(), begin + static_cast<size_t>(args.batch));
    data::LoadedBatch batch = data::load_batch(
        files, begin, end, [&](const std::filesystem::path& f) { return load_grey_crop(f, args.size, shift); });
    failures.insert(failures.end(), batch.failures.begin(), batch.failures.end());
    if (batch.tensors.defined()) filter_study.add(batch.tensors);
    progress.update(end);
  }
  const double seconds = progress.seconds();
  const study::FilterMeasures& measures = filter_study.measures();
  if (!failures.empty()) {
    std::fprintf(stderr, "study: %zu of %zu files could not be read as images and were skipped, e.g. %s: %s\n",
                 failures.size(), files.size(), failures.front().file.c_str(), failures.front().reason.c_str());
  }
  WAVETWIN_CHECK(measures.images > 0, args.images, ": none of the ", files.size(),
                 " files could be read as an image (first: ", failures.front().file.string(), ": ",
                 failures.front().reason, "); expected JPEG or PNG images");

  const auto table = wavelets::packet_table(args.depth);
  report::Table csv({"packet", "tree", "band_row", "band_col", "orientation", "edge", "freq_row", "freq_col",
                     "rho2", "rmax_stability", "cmod_stability", "gamma2"});
  std::vector<double> rho2, gamma2, cells_rho(table.size(), NAN), cells_rmax(table.size(), NAN),
      cells_cmod(table.size(), NAN);
  size_t cmod_more_stable = 0, packets = 0;
  for (const auto& p : table) {
    if (p.lowpass) continue;
    const size_t i = p.index;
    const double g2 = study::gamma_squared({m * p.freq_row, m * p.freq_col}, args.q);
    csv.add_row({std::to_string(p.index), p.tree == 0 ? "a" : "b", std::to_string(p.band_row),
                 std::to_string(p.band_col), p.orientation > 0 ? "+" : "-", p.edge ? "1" : "0",
                 report::cell(p.freq_row), report::cell(p.freq_col), report::cell(measures.discrepancy[i]),
                 report::cell(measures.rmax_stability[i]), report::cell(measures.cmod_stability[i]),
                 report::cell(g2)});
    rho2.push_back(measures.discrepancy[i]);
    gamma2.push_back(g2);
    cells_rho[i] = measures.discrepancy[i];
    cells_rmax[i] = measures.rmax_stability[i];
    cells_cmod[i] = measures.cmod_stability[i];
    cmod_more_stable += measures.cmod_stability[i] < measures.rmax_stability[i];
    ++packets;
  }
  csv.write_csv((dir / "study.csv").string());
  std::printf("wrote %s\n", (dir / "study.csv").c_str());
  const double r = correlation(rho2, gamma2);

  const torch::Tensor gamma = study::gamma_map(m, args.q, 256);
  std::vector<std::pair<report::Figure, std::filesystem::path>> figures;
  const auto largest = [](const std::vector<double>& values) {
    double top = 1e-6;
    for (double v : values) top = std::isnan(v) ? top : std::max(top, v);
    return top;
  };
  // The two stability figures share one grey scale, so that RMax and CMod compare at a glance.
  const double stability_top = std::max(largest(cells_rmax), largest(cells_cmod));
  const auto figure = [&](const std::string& name, const std::string& title, const std::string& label,
                          const std::vector<double>& values, double top) {
    report::Panel measured = report::frequency_panel(title, label);
    measured.heat_map = report::packet_cells(table, values, args.depth);
    report::Panel theory = report::frequency_panel("theory: γ_q(mθ)², m = " + std::to_string(m), "γ²");
    theory.heat_map = report::frequency_lattice(gamma);
    measured.colour_min = 0, measured.colour_max = top;
    theory.colour_min = 0;
    const std::string caption = std::to_string(measures.images) + " images, J = " + std::to_string(args.depth) +
                                ", shift dx = " + std::to_string(shift[1]) + ", dy = " + std::to_string(shift[0]);
    figures.emplace_back(report::Figure{caption, {measured, theory}, 2, 560, 500}, dir / (name + ".png"));
  };
  figure("discrepancy", "mean RMax/CMod discrepancy ρ²", "ρ²", cells_rho, largest(cells_rho));
  figure("rmax_stability", "RMax shift instability", "‖Ymax' − Ymax‖ / ‖Ymod‖", cells_rmax, stability_top);
  figure("cmod_stability", "CMod shift instability", "‖Ymod' − Ymod‖ / ‖Ymod‖", cells_cmod, stability_top);
  write_figures(figures);

  std::ostringstream json;
  json << "{\n  \"images\": " << measures.images << ",\n  \"unreadable\": " << failures.size()
       << ",\n  \"depth\": " << args.depth << ",\n  \"m\": " << m << ",\n  \"q\": " << args.q
       << ",\n  \"shift_dx_dy\": [" << shift[1] << ", " << shift[0] << "],\n  \"seconds\": " << report::cell(seconds)
       << ",\n  \"packets\": " << packets << ",\n  \"correlation_rho2_gamma2\": " << report::cell(r)
       << ",\n  \"packets_cmod_more_stable\": " << cmod_more_stable << "\n}\n";
  const std::string text = json.str();
  data::write_file_atomic((dir / "summary.json").string(), text.data(), text.size());
  std::printf("study: %lld images in %.1f s (%.0f images/s), %zu unreadable\n",
              static_cast<long long>(measures.images), seconds, measures.images / seconds, failures.size());
  std::printf("study: correlation across %zu packets between rho^2 and gamma^2: %.3f\n", packets, r);
  std::printf("study: CMod more stable than RMax for %zu of %zu packets\n", cmod_more_stable, packets);
}


Runner add_study(CLI::App& app) {
  auto args = std::make_shared<StudyArgs>();
  CLI::App* sub = app.add_subcommand(
      "study", "Measure, packet by packet, the RMax/CMod discrepancy and shift stability over a folder of images");
  sub->add_option("--images", args->images, "Folder of JPEG/PNG images (searched recursively)")->required();
  sub->add_option("--depth", args->depth, "DT-CWPT depth J (m = 2^(J-1))")->capture_default_str()
      ->check(CLI::Range(1, 5));
  sub->add_option("--limit", args->limit, "Use only the first N files (0: all)")->check(CLI::NonNegativeNumber);
  sub->add_option("--shift", args->shift, "Translation dx,dy in pixels, x to the right, y down (1,0: one pixel horizontally; 0,1 vertically; 1,1 diagonally)")
      ->delimiter(',')->expected(2)->capture_default_str();
  sub->add_option("--size", args->size, "Crop size (the paper: 224)")->capture_default_str()
      ->check(CLI::Range(16, 4096));
  sub->add_option("--q", args->q, "Max-pooling half-width q")->capture_default_str()->check(CLI::Range(1, 16));
  sub->add_option("--batch", args->batch, "Images per batch")->capture_default_str()->check(CLI::Range(1, 4096));
  sub->add_option("--out", args->out, "Output directory (study.csv, summary.json, figures)")->required();
  return [sub, args] {
    if (sub->parsed()) run_study(*args);
  };
}

}  // namespace wavetwin::cli
