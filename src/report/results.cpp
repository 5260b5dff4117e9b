// src/report/results.cpp: the results table, the papers' rows and the report's figures.
#include "wavetwin/report/results.h"

#include <cstdio>
#include <set>

#include "wavetwin/error.h"

namespace wavetwin::report {
namespace {

struct PaperScore {
  const char* model;
  const char* dataset;
  double onecrop_top1, onecrop_top5, tencrops_top1, tencrops_top5, mfr;
};

constexpr double kNaN = kMissing;
const PaperScore kPaperScores[] = {
#include "paper_scores.inc"
};

// The directions present in any run, in the papers' order.
std::vector<std::string> directions_of(const std::vector<RunCurves>& runs, bool kl) {
  std::set<std::string> present;
  for (const auto& r : runs) {
    for (const auto& [d, values] : kl ? r.kl : r.flip_rate) present.insert(d);
  }
  std::vector<std::string> ordered;
  for (const char* d : {"vertical", "horizontal", "diagonal"}) {
    if (present.count(d)) ordered.push_back(d);
  }
  return ordered;
}

// A tick at each whole number up to the largest x of the panel's series when there are few (gnuplot's
// automatic ticks would fall between epochs or steps); automatic ticks otherwise.
Ticks whole_number_ticks(const Panel& panel) {
  double last = 0;
  for (const auto& series : panel.series) {
    for (double x : series.x) last = std::max(last, x);
  }
  Ticks ticks;
  if (last > 12) return ticks;
  for (int64_t i = 1; i <= static_cast<int64_t>(last); ++i) ticks.push_back({static_cast<double>(i), std::to_string(i)});
  return ticks;
}

Figure per_direction(const std::vector<RunCurves>& runs, bool kl) {
  Figure figure;
  figure.title = kl ? "KL divergence between the unshifted and the shifted input" : "Flip rate against shift step";
  for (const auto& direction : directions_of(runs, kl)) {
    Panel panel;
    panel.title = direction;
    panel.x.label = kl ? "shift (pixels)" : "step (pixels)";
    panel.y.label = kl ? "mean KL(p_0 || p_k)" : "flip rate (%)";
    panel.y.min = 0;
    panel.legend = kl ? "top left" : "bottom right";
    for (const auto& r : runs) {
      const auto& curves = kl ? r.kl : r.flip_rate;
      const auto it = curves.find(direction);
      if (it == curves.end()) continue;
      Series series{r.name, it->second.first, it->second.second, SeriesStyle::kLinesPoints, "", {}, {}};
      const auto& bands = kl ? r.kl_band : r.flip_rate_band;
      const auto band = bands.find(direction);
      if (band != bands.end() && band->second.first.size() == series.x.size()) {
        series.y_low = band->second.first, series.y_high = band->second.second;
      }
      panel.series.push_back(series);
    }
    if (!kl) panel.x.ticks = whole_number_ticks(panel);
    figure.panels.push_back(panel);
  }
  WAVETWIN_CHECK(!figure.panels.empty(), "report: no run has ", kl ? "KL" : "flip-rate",
                 " scores; expected `wavetwin eval --mode shifts` first");
  return figure;
}

}  // namespace

std::vector<ResultRow> paper_rows(const std::string& paper) {
  WAVETWIN_CHECK(paper == "imagenet" || paper == "cifar10", "--paper ", paper, ": unknown; expected imagenet or cifar10");
  std::vector<ResultRow> rows;
  for (const auto& s : kPaperScores) {
    if (paper != s.dataset) continue;
    ResultRow row;
    row.model = s.model, row.source = "paper";
    row.onecrop_top1 = s.onecrop_top1, row.onecrop_top5 = s.onecrop_top5;
    row.tencrops_top1 = s.tencrops_top1, row.tencrops_top5 = s.tencrops_top5, row.mfr = s.mfr;
    rows.push_back(row);
  }
  return rows;
}

std::string interval_cell(double value, const eval::Interval& interval) {
  if (std::isnan(value)) return "-";
  char text[96];
  if (std::isnan(interval.low) || std::isnan(interval.high)) {
    std::snprintf(text, sizeof text, "%.2f", value);
  } else {
    std::snprintf(text, sizeof text, "%.2f [%.2f, %.2f]", value, interval.low, interval.high);
  }
  return text;
}

Table results_table(const std::vector<ResultRow>& rows) {
  Table table({"model", "source", "one-crop top-1", "one-crop top-5", "ten-crops top-1", "ten-crops top-5", "mFR",
               "consistency", "circular flip rate", "circular consistency"});
  // mFR to one decimal without a trailing zero, as the papers print it (100, 83.3).
  const auto mfr_text = [](double v) { return cell(std::round(v * 10) / 10, 4); };
  for (const auto& r : rows) {
    std::string mfr = std::isnan(r.mfr) ? "-" : mfr_text(r.mfr);
    if (!std::isnan(r.mfr) && !std::isnan(r.mfr_interval.low)) {
      mfr += " [" + mfr_text(r.mfr_interval.low) + ", " + mfr_text(r.mfr_interval.high) + "]";
    }
    table.add_row({r.model, r.source, interval_cell(r.onecrop_top1, r.onecrop_top1_interval),
                   interval_cell(r.onecrop_top5, r.onecrop_top5_interval),
                   interval_cell(r.tencrops_top1, r.tencrops_top1_interval),
                   interval_cell(r.tencrops_top5, r.tencrops_top5_interval), mfr,
                   interval_cell(r.consistency, r.consistency_interval),
                   interval_cell(r.circular_flip_rate, r.circular_flip_rate_interval),
                   interval_cell(r.circular_consistency, r.circular_consistency_interval)});
  }
  return table;
}

Figure training_figure(const std::vector<RunCurves>& runs) {
  Figure figure;
  figure.title = "Training";
  Panel loss, val;
  loss.title = "training loss", val.title = "validation top-1 error";
  loss.x.label = val.x.label = "epoch";
  loss.y.label = "cross-entropy (mean over the epoch)";
  val.y.label = "top-1 error (%)";
  for (const auto& r : runs) {
    if (!r.epochs.empty()) loss.series.push_back({r.name, r.epochs, r.train_loss, SeriesStyle::kLinesPoints, "", {}, {}});
    std::vector<double> x, y;
    for (size_t i = 0; i < r.epochs.size() && i < r.val_top1.size(); ++i) {
      if (!std::isnan(r.val_top1[i])) x.push_back(r.epochs[i]), y.push_back(r.val_top1[i]);
    }
    if (!x.empty()) val.series.push_back({r.name, x, y, SeriesStyle::kLinesPoints, "", {}, {}});
  }
  loss.x.ticks = val.x.ticks = whole_number_ticks(loss);
  for (const Panel& panel : {loss, val}) {
    if (!panel.series.empty()) figure.panels.push_back(panel);
  }
  return figure;
}

Figure kl_figure(const std::vector<RunCurves>& runs) { return per_direction(runs, true); }

Figure flip_rate_figure(const std::vector<RunCurves>& runs) { return per_direction(runs, false); }

}  // namespace wavetwin::report
