// apps/wavetwin/report.cpp: `wavetwin report`: recorded runs side by side (and with the papers' rows): a
// Markdown table in the layout of the papers' Tables I / II, CSV, JSON and figures.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/data/file.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/shift_metrics.h"
#include "wavetwin/report/results.h"
#include "wavetwin/train/run_store.h"

namespace wavetwin::cli {
namespace {

namespace fs = std::filesystem;

// A run's scores for one split, from the checkpoint they were computed on (the best one when it was
// evaluated, else the checkpoint with the most scores).
struct RunScores {
  train::RunRecord run;
  std::vector<train::EpochRecord> epochs;
  std::string checkpoint;
  std::map<std::string, double> scores;  ///< metric without the split prefix -> value

  double get(const std::string& metric) const {
    const auto it = scores.find(metric);
    return it == scores.end() ? report::kMissing : it->second;
  }
};

RunScores load_run(const train::RunStore& store, const std::string& name, const std::string& split) {
  RunScores r;
  r.run = store.get(name);
  r.epochs = store.epochs(r.run.id);
  std::map<std::string, std::map<std::string, double>> by_checkpoint;
  const std::string prefix = split + "/";
  for (const auto& s : store.scores(r.run.id)) {
    if (s.metric.rfind(prefix, 0) == 0) by_checkpoint[s.checkpoint][s.metric.substr(prefix.size())] = s.value;
  }
  std::string best;
  for (const auto& c : store.checkpoints(r.run.id)) {
    if (c.kind == "best") best = c.path;
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

// Values metric_prefix/<direction>/<k> for k = first, first + 1, ... while present.
std::map<std::string, std::vector<double>> series(const RunScores& r, const std::string& kind, int first) {
  std::map<std::string, std::vector<double>> out;
  for (const char* d : {"vertical", "horizontal", "diagonal"}) {
    std::vector<double> values;
    for (int k = first;; ++k) {
      const double v = r.get(kind + "/" + d + "/" + std::to_string(k));
      if (std::isnan(v)) break;
      values.push_back(v);
    }
    if (!values.empty()) out[d] = values;
  }
  return out;
}

std::string number_json(double value) {
  if (std::isnan(value)) return "null";
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

std::string rows_json(const std::vector<report::ResultRow>& rows, const std::string& reference,
                      const std::string& split) {
  std::ostringstream out;
  out << "{\n  \"split\": " << train::json_quote(split) << ",\n  \"mfr_reference\": " << train::json_quote(reference)
      << ",\n  \"rows\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out << (i ? "," : "") << "\n    {\"model\": " << train::json_quote(r.model)
        << ", \"source\": " << train::json_quote(r.source) << ", \"onecrop_top1\": " << number_json(r.onecrop_top1)
        << ", \"onecrop_top5\": " << number_json(r.onecrop_top5)
        << ", \"tencrops_top1\": " << number_json(r.tencrops_top1)
        << ", \"tencrops_top5\": " << number_json(r.tencrops_top5) << ", \"mfr\": " << number_json(r.mfr)
        << ", \"consistency\": " << number_json(r.consistency) << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

void write_text(const fs::path& path, const std::string& text) {
  data::write_file_atomic(path.string(), text.data(), text.size());
  std::printf("wrote %s\n", path.c_str());
}

}  // namespace

void run_report(const ReportArgs& a) {
  WAVETWIN_CHECK(fs::exists(a.store), a.store, ": no run store; expected the --store of `wavetwin train`");
  WAVETWIN_CHECK(a.split == "test" || a.split == "val", "--split ", a.split, "; expected test or val");
  const train::RunStore store(a.store);
  std::vector<std::string> names = a.runs;
  if (names.empty()) {
    for (const auto& r : store.list()) names.push_back(r.name);
  }
  WAVETWIN_CHECK(!names.empty(), a.store, ": no runs to report; expected `wavetwin train` first");
  std::vector<report::ResultRow> paper;
  if (!a.paper.empty()) paper = report::paper_rows(a.paper);
  const auto dir = output_dir(a.out);

  std::vector<RunScores> runs;
  for (const auto& n : names) runs.push_back(load_run(store, n, a.split));
  const std::string reference_name = a.reference.empty() ? names.front() : a.reference;
  const RunScores reference = a.reference.empty() ? runs.front() : load_run(store, a.reference, a.split);
  const auto reference_rates = series(reference, "fr", 1);

  std::vector<report::ResultRow> rows;
  std::vector<report::RunCurves> curves;
  for (const auto& r : runs) {
    report::ResultRow row;
    row.model = r.run.name;
    row.source = "wavetwin: " + r.run.spec;
    row.onecrop_top1 = r.get("onecrop_top1"), row.onecrop_top5 = r.get("onecrop_top5");
    row.tencrops_top1 = r.get("tencrops_top1"), row.tencrops_top5 = r.get("tencrops_top5");
    row.consistency = r.get("consistency");
    const auto rates = series(r, "fr", 1);
    if (!rates.empty() && !reference_rates.empty()) {
      try {
        row.mfr = eval::normalized_mfr(rates, reference_rates);
      } catch (const Error& e) {
        std::fprintf(stderr, "report: no mFR for %s: %s\n", r.run.name.c_str(), e.what());
      }
    }
    rows.push_back(row);

    report::RunCurves c;
    c.name = r.run.name;
    for (const auto& e : r.epochs) {
      c.epochs.push_back(static_cast<double>(e.epoch));
      c.train_loss.push_back(e.train_loss);
      c.val_top1.push_back(e.val_top1 < 0 ? report::kMissing : e.val_top1);
    }
    const double kl_divide = r.get("kl/pixel_divide");
    for (const auto& [d, values] : series(r, "kl", 0)) {
      std::vector<double> x;
      for (size_t k = 0; k < values.size(); ++k) x.push_back(static_cast<double>(k) / kl_divide);
      c.kl[d] = {x, values};
    }
    const double fr_divide = r.get("fr/pixel_divide");
    for (const auto& [d, values] : rates) {
      std::vector<double> x, y;
      for (size_t s = 0; s < values.size(); ++s) x.push_back((s + 1) / fr_divide), y.push_back(100 * values[s]);
      c.flip_rate[d] = {x, y};
    }
    curves.push_back(c);
  }
  std::vector<report::ResultRow> all = rows;
  all.insert(all.end(), paper.begin(), paper.end());
  const report::Table table = report::results_table(all);

  std::ostringstream md;
  md << "# " << (a.title.empty() ? "wavetwin report" : a.title) << "\n\n";
  md << "Errors in % on the " << (a.split == "test" ? "test set" : "held-out validation part")
     << " (lower is better); mFR normalised to " << reference_name
     << " = 100 (mean over directions of the ratio of mean flip rates); consistency: % of images whose top-1 "
        "agrees on two random shifts (higher is better).";
  if (!a.paper.empty()) md << " Rows marked `paper` are the published numbers (normalised to AlexNet on ImageNet, "
                              "ResNet-18 on CIFAR-10).";
  md << "\n\n" << table.markdown() << "\n";
  md << "| run | spec | dataset | epochs | training time | evaluated checkpoint |\n|---|---|---|---|---|---|\n";
  for (const auto& r : runs) {
    md << "| " << r.run.name << " | `" << r.run.spec << "` | " << r.run.dataset << " | " << r.epochs.size() << " | "
       << format_duration(r.run.seconds) << " | " << (r.checkpoint.empty() ? "(not evaluated)" : r.checkpoint)
       << " |\n";
  }
  md << "\n![training](training.png)\n";

  std::vector<std::pair<report::Figure, fs::path>> figures{{report::training_figure(curves), dir / "training.png"}};
  bool shifts = false;
  for (const auto& c : curves) shifts = shifts || !c.kl.empty();
  if (shifts) {
    figures.push_back({report::kl_figure(curves), dir / "kl.png"});
    figures.push_back({report::flip_rate_figure(curves), dir / "flip_rate.png"});
    md << "\n![KL divergence against shift](kl.png)\n\n![flip rate against step](flip_rate.png)\n";
  }
  write_text(dir / "report.md", md.str());
  table.write_csv((dir / "results.csv").string());
  std::printf("wrote %s\n", (dir / "results.csv").c_str());
  write_text(dir / "results.json", rows_json(all, reference_name, a.split));
  write_figures(figures);
  std::printf("\n%s", table.markdown().c_str());
}

Runner add_report(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand("report", "Runs side by side with the papers: report.md, CSV, JSON, figures");
  sub->add_option("runs", a->runs, "Run names (default: every run in the store)");
  sub->add_option("--reference", a->reference, "Run whose mean flip rates define mFR = 100 (default: the first run)");
  sub->add_option("--paper", a->paper, "Add the papers' rows: imagenet or cifar10");
  sub->add_option("--split", a->split, "Scores of the test or val split")->capture_default_str();
  sub->add_option("--title", a->title, "Title of report.md");
  sub->add_option("--out", a->out, "Output directory")->required();
  sub->add_option("--store", a->store, "Run store (SQLite)")->capture_default_str();
  return [sub, a] {
    if (sub->parsed()) run_report(*a);
  };
}

}  // namespace wavetwin::cli
