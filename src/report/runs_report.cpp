// src/report/runs_report.cpp: the report workflow.
#include "wavetwin/report/runs_report.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "wavetwin/error.h"
#include "wavetwin/eval/shift_metrics.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin::report {
namespace {

namespace fs = std::filesystem;
using runs::Metric;

// A run's scores for one split, from the checkpoint they were computed on.
struct RunScores {
  runs::RunRecord run;
  runs::Split split = runs::Split::kTest;
  std::vector<runs::EpochRecord> epochs;
  std::string checkpoint;
  std::vector<runs::Score> scores;  ///< of `checkpoint` and the split

  double get(Metric metric) const {
    return runs::find_score(scores, split, metric).value_or(kMissing);
  }
  // Per direction name, as eval::normalized_mfr and the figures take them.
  std::map<std::string, std::vector<double>> series(Metric metric) const {
    std::map<std::string, std::vector<double>> out;
    for (const auto& [direction, values] : runs::score_series(scores, split, metric)) {
      out[data::shift_direction_name(direction)] = values;
    }
    return out;
  }
};

RunScores load_run(const runs::RunStore& store, const std::string& name, runs::Split split) {
  RunScores r;
  r.split = split;
  r.run = store.get(name);
  r.epochs = store.epochs(r.run.id);
  std::map<std::string, std::vector<runs::Score>> by_checkpoint;
  for (const auto& s : store.scores(r.run.id)) {
    if (s.split == split) by_checkpoint[s.checkpoint].push_back(s);
  }
  std::string best;
  for (const auto& c : store.checkpoints(r.run.id)) {
    if (c.kind == runs::CheckpointKind::kBest) best = c.path;
  }
  if (by_checkpoint.count(best)) {
    r.checkpoint = best;
  } else {
    for (const auto& [checkpoint, scores] : by_checkpoint) {
      if (r.checkpoint.empty() || scores.size() > by_checkpoint[r.checkpoint].size()) r.checkpoint = checkpoint;
    }
  }
  if (!r.checkpoint.empty()) r.scores = by_checkpoint[r.checkpoint];
  return r;
}

nlohmann::ordered_json rows_json(const std::vector<ResultRow>& rows, const std::string& reference, runs::Split split) {
  nlohmann::ordered_json out = {{"split", runs::split_name(split)}, {"mfr_reference", reference}};
  nlohmann::ordered_json& list = out["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    // nlohmann-json writes the NaN of a missing score as null.
    list.push_back({{"model", r.model}, {"source", r.source}, {"onecrop_top1", r.onecrop_top1},
                    {"onecrop_top5", r.onecrop_top5}, {"tencrops_top1", r.tencrops_top1},
                    {"tencrops_top5", r.tencrops_top5}, {"mfr", r.mfr}, {"consistency", r.consistency},
                    {"circular_flip_rate", r.circular_flip_rate}, {"circular_consistency", r.circular_consistency}});
  }
  return out;
}

}  // namespace

RunsReport write_runs_report(const RunsReportOptions& o) {
  const runs::RunStore store(o.store, /*create=*/false);
  std::vector<std::string> names = o.runs;
  if (names.empty()) {
    for (const auto& r : store.list()) names.push_back(r.name);
  }
  WAVETWIN_CHECK(!names.empty(), o.store, ": no runs to report; expected `wavetwin train` first");
  std::vector<ResultRow> paper;
  if (o.paper) paper = paper_rows(*o.paper);
  const auto dir = output_dir(o.out);

  RunsReport report;
  std::vector<RunScores> loaded;
  for (const auto& n : names) loaded.push_back(load_run(store, n, o.split));
  report.reference = o.reference.value_or(names.front());
  const RunScores reference = o.reference ? load_run(store, *o.reference, o.split) : loaded.front();
  const auto reference_rates = reference.series(Metric::kFlipRate);

  std::vector<RunCurves> curves;
  for (const auto& r : loaded) {
    ResultRow row;
    row.model = r.run.name;
    row.source = "wavetwin: " + r.run.spec;
    row.onecrop_top1 = r.get(Metric::kOnecropTop1), row.onecrop_top5 = r.get(Metric::kOnecropTop5);
    row.tencrops_top1 = r.get(Metric::kTencropsTop1), row.tencrops_top5 = r.get(Metric::kTencropsTop5);
    row.consistency = r.get(Metric::kConsistency);
    row.circular_consistency = r.get(Metric::kCircularConsistency);
    const auto circular_rates = r.series(Metric::kCircularFlipRate);
    if (!circular_rates.empty()) {
      double sum = 0;
      for (const auto& [direction, values] : circular_rates) {
        for (const double v : values) sum += 100 * v / static_cast<double>(values.size() * circular_rates.size());
      }
      row.circular_flip_rate = sum;
    }
    const auto rates = r.series(Metric::kFlipRate);
    if (!rates.empty() && !reference_rates.empty()) {
      try {
        row.mfr = eval::normalized_mfr(rates, reference_rates);
      } catch (const Error& e) {
        report.output.warnings.push_back("no mFR for " + r.run.name + ": " + e.what());
      }
    }
    report.rows.push_back(row);

    RunCurves c;
    c.name = r.run.name;
    for (const auto& e : r.epochs) {
      c.epochs.push_back(static_cast<double>(e.epoch));
      c.train_loss.push_back(e.train_loss);
      c.val_top1.push_back(e.val_top1.value_or(kMissing));
    }
    const double kl_divide = r.get(Metric::kKlPixelDivide);
    for (const auto& [d, values] : r.series(Metric::kKl)) {
      std::vector<double> x;
      for (size_t k = 0; k < values.size(); ++k) x.push_back(static_cast<double>(k) / kl_divide);
      c.kl[d] = {x, values};
    }
    const double fr_divide = r.get(Metric::kFlipRatePixelDivide);
    for (const auto& [d, values] : rates) {
      std::vector<double> x, y;
      for (size_t s = 0; s < values.size(); ++s) x.push_back((s + 1) / fr_divide), y.push_back(100 * values[s]);
      c.flip_rate[d] = {x, y};
    }
    curves.push_back(c);
  }
  report.rows.insert(report.rows.end(), paper.begin(), paper.end());
  const Table table = results_table(report.rows);
  report.table = table.markdown();

  std::ostringstream md;
  md << "# " << (o.title.empty() ? "wavetwin report" : o.title) << "\n\n";
  md << "Errors in % on the " << (o.split == runs::Split::kTest ? "test set" : "held-out validation part")
     << " (lower is better); mFR normalised to " << report.reference
     << " = 100 (mean over directions of the ratio of mean flip rates); consistency: % of images whose top-1 "
        "agrees on two random shifts (higher is better); circular flip rate and consistency: the same under circular "
        "shifts of the centre crop (flip rate in %, mean over directions and steps).";
  if (o.paper) md << " Rows marked `paper` are the published numbers (normalised to AlexNet on ImageNet, "
                     "ResNet-18 on CIFAR-10).";
  md << "\n\n" << report.table << "\n";
  md << "| run | spec | dataset | epochs | training time | evaluated checkpoint |\n|---|---|---|---|---|---|\n";
  for (const auto& r : loaded) {
    md << "| " << r.run.name << " | `" << r.run.spec << "` | " << r.run.dataset << " | " << r.epochs.size() << " | "
       << format_duration(r.run.seconds) << " | " << (r.checkpoint.empty() ? "(not evaluated)" : r.checkpoint)
       << " |\n";
  }
  std::vector<std::pair<Figure, fs::path>> figures;
  Figure training = training_figure(curves);
  if (training.panels.empty()) {
    report.output.warnings.push_back("no training figure: no run has finished an epoch");
  } else {
    md << "\n![training](training.png)\n";
    figures.push_back({std::move(training), dir / "training.png"});
  }
  bool shifts = false;
  for (const auto& c : curves) shifts = shifts || !c.kl.empty();
  if (shifts) {
    figures.push_back({kl_figure(curves), dir / "kl.png"});
    figures.push_back({flip_rate_figure(curves), dir / "flip_rate.png"});
    md << "\n![KL divergence against shift](kl.png)\n\n![flip rate against step](flip_rate.png)\n";
  }
  write_text(dir / "report.md", md.str(), report.output);
  write_csv(dir / "results.csv", table, report.output);
  write_json(dir / "results.json", rows_json(report.rows, report.reference, o.split), report.output);
  write_figures(figures, report.output);
  return report;
}

}  // namespace wavetwin::report
