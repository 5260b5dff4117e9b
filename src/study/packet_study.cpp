// src/study/packet_study.cpp: the per-filter study workflow.
#include "wavetwin/study/packet_study.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "wavetwin/data/image.h"
#include "wavetwin/data/image_list.h"
#include "wavetwin/error.h"
#include "wavetwin/report/frequency_plane.h"
#include "wavetwin/study/theory.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::study {
namespace {

// A grey crop of (size + |dr|) x (size + |dc|) pixels: the shorter side resized to size + max |shift| (up or
// down, PIL's antialiased bilinear), then centre-cropped, so that both translates of the pair are full crops.
torch::Tensor load_grey_crop(const std::filesystem::path& file, int64_t size, const Shift& shift) {
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

PacketStudy study_packets(const PacketStudyOptions& o) {
  WAVETWIN_CHECK(o.shift[0] != 0 || o.shift[1] != 0, "--shift 0,0: expected a non-zero translation");
  WAVETWIN_CHECK(o.batch >= 1, "--batch ", o.batch, "; expected >= 1");
  const auto dir = report::output_dir(o.out);
  std::vector<std::filesystem::path> files = data::list_files(o.images);
  if (o.limit && *o.limit >= 0 && static_cast<size_t>(*o.limit) < files.size()) files.resize(*o.limit);
  const int64_t m = int64_t{1} << (o.depth - 1);
  PacketStudy result;
  result.files = static_cast<int64_t>(files.size());

  FilterStudy filter_study(FilterStudyOptions().levels(o.depth).q(o.q).shift(o.shift));
  const auto start = std::chrono::steady_clock::now();
  for (size_t begin = 0; begin < files.size(); begin += o.batch) {
    const size_t end = std::min(files.size(), begin + static_cast<size_t>(o.batch));
    data::LoadedBatch batch = data::load_batch(
        files, begin, end, [&](const std::filesystem::path& f) { return load_grey_crop(f, o.size, o.shift); });
    result.failures.insert(result.failures.end(), batch.failures.begin(), batch.failures.end());
    if (batch.tensors.defined()) filter_study.add(batch.tensors);
    if (o.progress) o.progress(static_cast<int64_t>(end), result.files);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const FilterMeasures& measures = filter_study.measures();
  result.images = measures.images;
  WAVETWIN_CHECK(measures.images > 0, o.images, ": none of the ", files.size(),
                 " files could be read as an image (first: ", result.failures.front().reason,
                 "); expected JPEG or PNG images");

  const auto table = wavelets::packet_table(o.depth);
  report::Table csv({"packet", "tree", "band_row", "band_col", "orientation", "edge", "freq_row", "freq_col",
                     "rho2", "rmax_stability", "cmod_stability", "gamma2"});
  std::vector<double> rho2, gamma2, cells_rho(table.size(), NAN), cells_rmax(table.size(), NAN),
      cells_cmod(table.size(), NAN);
  for (const auto& p : table) {
    if (p.lowpass) continue;
    const size_t i = p.index;
    const double g2 = gamma_squared({m * p.freq_row, m * p.freq_col}, o.q);
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
    result.cmod_more_stable += measures.cmod_stability[i] < measures.rmax_stability[i];
    ++result.packets;
  }
  report::write_csv(dir / "study.csv", csv, result.output);
  result.correlation = correlation(rho2, gamma2);

  const torch::Tensor gamma = gamma_map(m, o.q, 256);
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
    measured.heat_map = report::packet_cells(table, values, o.depth);
    report::Panel theory = report::frequency_panel("theory: γ_q(mθ)², m = " + std::to_string(m), "γ²");
    theory.heat_map = report::frequency_lattice(gamma);
    measured.colour_min = 0, measured.colour_max = top;
    theory.colour_min = 0;
    const std::string caption = std::to_string(measures.images) + " images, J = " + std::to_string(o.depth) +
                                ", shift dx = " + std::to_string(o.shift[1]) + ", dy = " + std::to_string(o.shift[0]);
    figures.emplace_back(report::Figure{caption, {measured, theory}, 2, 560, 500}, dir / (name + ".png"));
  };
  figure("discrepancy", "mean RMax/CMod discrepancy ρ²", "ρ²", cells_rho, largest(cells_rho));
  figure("rmax_stability", "RMax shift instability", "‖Ymax' − Ymax‖ / ‖Ymod‖", cells_rmax, stability_top);
  figure("cmod_stability", "CMod shift instability", "‖Ymod' − Ymod‖ / ‖Ymod‖", cells_cmod, stability_top);
  report::write_figures(figures, result.output);

  report::write_json(dir / "summary.json",
                     {{"images", measures.images},
                      {"unreadable", result.failures.size()},
                      {"depth", o.depth},
                      {"m", m},
                      {"q", o.q},
                      {"shift_dx_dy", {o.shift[1], o.shift[0]}},
                      {"seconds", result.seconds},
                      {"packets", result.packets},
                      {"correlation_rho2_gamma2", result.correlation},
                      {"packets_cmod_more_stable", result.cmod_more_stable}},
                     result.output);
  return result;
}

}  // namespace wavetwin::study
