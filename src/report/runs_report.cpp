// src/report/runs_report.cpp: the report workflow.
#include "wavetwin/report/runs_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "wavetwin/error.h"
#include "wavetwin/eval/comparison.h"
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
  eval::Interval interval(Metric metric) const { return eval::recorded_interval(scores, split, metric); }
  // Per direction name, the intervals of a series: lows and highs in the order of the steps (empty without).
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> bands(Metric metric) const {
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> out;
    for (const auto& s : scores) {
      if (s.split != split || s.metric != metric || !s.direction || !s.low || !s.high) continue;
      auto& band = out[data::shift_direction_name(*s.direction)];
      band.first.push_back(*s.low), band.second.push_back(*s.high);
    }
    return out;
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

// The scores compared with the reference run, in the order of the differences table; flip rates are scaled to %.
struct Compared {
  Metric metric;
  const char* column;
  double scale;
};
constexpr Compared kCompared[] = {
    {Metric::kOnecropTop1, "one-crop top-1", 1},   {Metric::kTencropsTop1, "ten-crops top-1", 1},
    {Metric::kFlipRate, "mean flip rate", 100},    {Metric::kConsistency, "consistency", 1},
    {Metric::kCircularFlipRate, "circular flip rate", 100}, {Metric::kCircularConsistency, "circular consistency", 1}};

double scale_of(Metric metric) {
  for (const auto& c : kCompared) {
    if (c.metric == metric) return c.scale;
  }
  return 1;
}

nlohmann::ordered_json interval_json(const eval::Interval& i) {
  if (std::isnan(i.low)) return nullptr;
  return {i.low, i.high};
}

// "-3.21 [-5.10, -1.30] (p = 0.003, n = 1000) *": the difference in the table's units, McNemar's p for errors,
// the number of images paired (the shift protocols often run on fewer), and the mark when significant.
std::string difference_cell(Metric metric, const eval::ScoreComparison& c) {
  const double scale = scale_of(metric);
  std::string text = interval_cell(scale * c.difference.difference,
                                   {scale * c.difference.interval.low, scale * c.difference.interval.high});
  char detail[64];
  if (c.mcnemar) {
    std::snprintf(detail, sizeof detail, " (p = %.2g, n = %lld)", c.mcnemar->p_value, static_cast<long long>(c.images));
  } else {
    std::snprintf(detail, sizeof detail, " (n = %lld)", static_cast<long long>(c.images));
  }
  return text + detail + (c.significant ? " *" : "");
}

Table differences_table(const std::vector<RunDifference>& differences) {
  std::vector<std::string> columns{"run"};
  for (const auto& c : kCompared) columns.push_back(std::string("Δ ") + c.column);
  Table table(columns);
  for (const auto& d : differences) {
    std::vector<std::string> cells{d.run};
    for (const auto& c : kCompared) {
      std::string text = "-";
      for (const auto& [metric, comparison] : d.scores) {
        if (metric == c.metric) text = difference_cell(metric, comparison);
      }
      cells.push_back(text);
    }
    table.add_row(cells);
  }
  return table;
}

std::string metric_column(Metric metric) {
  for (const auto& c : kCompared) {
    if (c.metric == metric) return c.column;
  }
  return runs::metric_name(metric);
}

Table claims_table(const std::vector<eval::ClaimCheck>& checks) {
  Table table({"claim", "run - baseline", "score", "difference", "verdict"});
  for (const auto& c : checks) {
    table.add_row({c.claim.statement, c.claim.run + " - " + c.claim.baseline,
                   metric_column(c.claim.metric) + (c.claim.lower ? " lower" : " higher"),
                   c.comparison ? difference_cell(c.claim.metric, *c.comparison) : "-", eval::verdict_name(c.verdict)});
  }
  return table;
}

std::string claims_summary(const std::vector<eval::ClaimCheck>& checks) {
  std::string text;
  for (const eval::Verdict v : {eval::Verdict::kSupports, eval::Verdict::kCannotTell, eval::Verdict::kContradicts,
                                eval::Verdict::kNotMeasured}) {
    std::vector<std::string> statements;
    for (const auto& c : checks) {
      if (c.verdict == v) statements.push_back(c.claim.statement);
    }
    if (statements.empty() && v == eval::Verdict::kNotMeasured) continue;
    if (!text.empty()) text += "; ";
    text += eval::verdict_name(v) + " " + std::to_string(statements.size());
    for (size_t i = 0; i < statements.size(); ++i) text += (i ? ", " : " (") + statements[i];
    if (!statements.empty()) text += ")";
  }
  return text;
}

SeedSpread seed_spread(const std::vector<const ResultRow*>& rows, double ResultRow::*value,
                       eval::Interval ResultRow::*interval) {
  std::vector<double> values;
  std::vector<eval::Interval> intervals;
  for (const ResultRow* r : rows) {
    if (std::isnan(r->*value)) continue;
    values.push_back(r->*value);
    intervals.push_back(r->*interval);
  }
  return spread_of(values, intervals);
}

// "30.61 ± 0.42 (run ± 0.90)": mean ± sd across the seeds, and the runs' mean interval half-width.
std::string spread_cell(const SeedSpread& s) {
  if (s.runs == 0) return "-";
  char text[96];
  std::snprintf(text, sizeof text, "%.2f ± %.2f", s.mean, s.sd);
  std::string cell = text;
  if (!std::isnan(s.interval_half_width)) {
    std::snprintf(text, sizeof text, " (run ± %.2f)", s.interval_half_width);
    cell += text;
  }
  return cell;
}

nlohmann::ordered_json spread_json(const SeedSpread& s) {
  return {{"runs", s.runs}, {"mean", s.mean}, {"sd", s.sd}, {"min", s.min}, {"max", s.max},
          {"interval_half_width", s.interval_half_width}};
}

// The reported runs grouped by runs::trained_alike, groups of two or more, in the order of their first run.
std::vector<SeedGroup> seed_groups(const std::vector<runs::RunRecord>& records, const std::vector<ResultRow>& rows) {
  std::vector<SeedGroup> groups;
  std::vector<bool> grouped(records.size(), false);
  for (size_t i = 0; i < records.size(); ++i) {
    if (grouped[i]) continue;
    std::vector<const ResultRow*> members;
    SeedGroup g;
    g.spec = records[i].spec;
    for (size_t j = i; j < records.size(); ++j) {
      if (grouped[j] || !runs::trained_alike(records[i], records[j])) continue;
      grouped[j] = true;
      members.push_back(&rows[j]);
      g.runs.push_back(records[j].name);
      g.seeds.push_back(runs::run_seed(records[j]).value_or(0));
    }
    if (members.size() < 2) continue;
    g.onecrop_top1 = seed_spread(members, &ResultRow::onecrop_top1, &ResultRow::onecrop_top1_interval);
    g.tencrops_top1 = seed_spread(members, &ResultRow::tencrops_top1, &ResultRow::tencrops_top1_interval);
    g.mfr = seed_spread(members, &ResultRow::mfr, &ResultRow::mfr_interval);
    g.consistency = seed_spread(members, &ResultRow::consistency, &ResultRow::consistency_interval);
    groups.push_back(std::move(g));
  }
  return groups;
}

Table seeds_table(const std::vector<SeedGroup>& groups) {
  Table table({"runs", "spec", "seeds", "one-crop top-1", "ten-crops top-1", "mFR", "consistency"});
  for (const auto& g : groups) {
    std::string names, seeds;
    for (size_t i = 0; i < g.runs.size(); ++i) {
      const char* separator = i ? ", " : "";
      names.append(separator).append(g.runs[i]);
      seeds.append(separator).append(std::to_string(g.seeds[i]));
    }
    table.add_row({names, "`" + g.spec + "`", seeds, spread_cell(g.onecrop_top1), spread_cell(g.tencrops_top1),
                   spread_cell(g.mfr), spread_cell(g.consistency)});
  }
  return table;
}

nlohmann::ordered_json rows_json(const RunsReport& report, runs::Split split, double level) {
  nlohmann::ordered_json out = {{"split", runs::split_name(split)}, {"mfr_reference", report.reference},
                                {"confidence_level", level}};
  nlohmann::ordered_json& list = out["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : report.rows) {
    // nlohmann-json writes the NaN of a missing score as null; an interval is [low, high] or null.
    list.push_back({{"model", r.model}, {"source", r.source}, {"onecrop_top1", r.onecrop_top1},
                    {"onecrop_top1_interval", interval_json(r.onecrop_top1_interval)},
                    {"onecrop_top5", r.onecrop_top5}, {"onecrop_top5_interval", interval_json(r.onecrop_top5_interval)},
                    {"tencrops_top1", r.tencrops_top1},
                    {"tencrops_top1_interval", interval_json(r.tencrops_top1_interval)},
                    {"tencrops_top5", r.tencrops_top5},
                    {"tencrops_top5_interval", interval_json(r.tencrops_top5_interval)}, {"mfr", r.mfr},
                    {"mfr_interval", interval_json(r.mfr_interval)}, {"consistency", r.consistency},
                    {"consistency_interval", interval_json(r.consistency_interval)},
                    {"circular_flip_rate", r.circular_flip_rate},
                    {"circular_flip_rate_interval", interval_json(r.circular_flip_rate_interval)},
                    {"circular_consistency", r.circular_consistency},
                    {"circular_consistency_interval", interval_json(r.circular_consistency_interval)}});
  }
  nlohmann::ordered_json& differences = out["differences"] = nlohmann::ordered_json::array();
  for (const auto& d : report.differences) {
    for (const auto& [metric, c] : d.scores) {
      const double scale = scale_of(metric);
      differences.push_back({{"run", d.run}, {"reference", report.reference}, {"metric", runs::metric_name(metric)},
                             {"images", c.images}, {"run_value", scale * c.a}, {"reference_value", scale * c.b},
                             {"difference", scale * c.difference.difference},
                             {"interval", {scale * c.difference.interval.low, scale * c.difference.interval.high}},
                             {"mcnemar_p", c.mcnemar ? nlohmann::ordered_json(c.mcnemar->p_value) : nullptr},
                             {"significant", c.significant}});
    }
  }
  nlohmann::ordered_json& groups = out["seed_groups"] = nlohmann::ordered_json::array();
  for (const auto& g : report.seed_groups) {
    groups.push_back({{"spec", g.spec}, {"runs", g.runs}, {"seeds", g.seeds},
                      {"onecrop_top1", spread_json(g.onecrop_top1)}, {"tencrops_top1", spread_json(g.tencrops_top1)},
                      {"mfr", spread_json(g.mfr)}, {"consistency", spread_json(g.consistency)}});
  }
  nlohmann::ordered_json& claims = out["claims"] = nlohmann::ordered_json::array();
  for (const auto& c : report.claims) {
    nlohmann::ordered_json claim = c.claim;
    claim["verdict"] = eval::verdict_name(c.verdict);
    if (c.comparison) {
      const double scale = scale_of(c.claim.metric);
      claim["difference"] = scale * c.comparison->difference.difference;
      claim["interval"] = {scale * c.comparison->difference.interval.low,
                           scale * c.comparison->difference.interval.high};
      claim["mcnemar_p"] = c.comparison->mcnemar ? nlohmann::ordered_json(c.comparison->mcnemar->p_value) : nullptr;
      claim["images"] = c.comparison->images;
    }
    claims.push_back(claim);
  }
  return out;
}

}  // namespace

SeedSpread spread_of(const std::vector<double>& values, const std::vector<eval::Interval>& intervals) {
  SeedSpread s;
  s.runs = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (const double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  s.min = *std::min_element(values.begin(), values.end()), s.max = *std::max_element(values.begin(), values.end());
  if (values.size() > 1) {
    double squares = 0;
    for (const double v : values) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  double widths = 0;
  int64_t with_interval = 0;
  for (const auto& i : intervals) {
    if (!std::isnan(i.low)) widths += (i.high - i.low) / 2, ++with_interval;
  }
  if (with_interval > 0) s.interval_half_width = widths / static_cast<double>(with_interval);
  return s;
}

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
  const eval::ImageValues reference_images = eval::image_values(reference.scores, o.split, Metric::kFlipRate);

  std::vector<RunCurves> curves;
  for (const auto& r : loaded) {
    ResultRow row;
    row.model = r.run.name;
    row.source = "wavetwin: " + r.run.spec;
    row.onecrop_top1 = r.get(Metric::kOnecropTop1), row.onecrop_top5 = r.get(Metric::kOnecropTop5);
    row.tencrops_top1 = r.get(Metric::kTencropsTop1), row.tencrops_top5 = r.get(Metric::kTencropsTop5);
    row.consistency = r.get(Metric::kConsistency);
    row.circular_consistency = r.get(Metric::kCircularConsistency);
    row.onecrop_top1_interval = r.interval(Metric::kOnecropTop1), row.onecrop_top5_interval = r.interval(Metric::kOnecropTop5);
    row.tencrops_top1_interval = r.interval(Metric::kTencropsTop1);
    row.tencrops_top5_interval = r.interval(Metric::kTencropsTop5);
    row.consistency_interval = r.interval(Metric::kConsistency);
    row.circular_consistency_interval = r.interval(Metric::kCircularConsistency);
    const auto circular_rates = r.series(Metric::kCircularFlipRate);
    if (!circular_rates.empty()) {
      double sum = 0;
      for (const auto& [direction, values] : circular_rates) {
        for (const double v : values) sum += 100 * v / static_cast<double>(values.size() * circular_rates.size());
      }
      row.circular_flip_rate = sum;
      const eval::ImageValues circular = eval::image_values(r.scores, o.split, Metric::kCircularFlipRate);
      if (!circular.empty() && o.bootstrap.resamples > 0) {
        const eval::Interval i = eval::mean_intervals(circular.values.mean(1, true), o.bootstrap)[0];
        row.circular_flip_rate_interval = {100 * i.low, 100 * i.high};
      }
    }
    const auto rates = r.series(Metric::kFlipRate);
    if (!rates.empty() && !reference_rates.empty()) {
      try {
        row.mfr = eval::normalized_mfr(rates, reference_rates);
        if (o.bootstrap.resamples > 0) {
          row.mfr_interval = eval::mfr_interval(eval::image_values(r.scores, o.split, Metric::kFlipRate),
                                                reference_images, reference_rates, o.bootstrap);
        }
      } catch (const Error& e) {
        report.output.warnings.push_back("no mFR for " + r.run.name + ": " + e.what());
      }
    }
    report.rows.push_back(row);
    if (r.run.name != reference.run.name && o.bootstrap.resamples > 0) {
      RunDifference difference;
      difference.run = r.run.name;
      for (const auto& c : kCompared) {
        try {
          if (auto comparison = eval::compare_scores(r.scores, reference.scores, o.split, c.metric, o.bootstrap)) {
            difference.scores.emplace_back(c.metric, *comparison);
          }
        } catch (const Error& e) {
          report.output.warnings.push_back("no " + std::string(c.column) + " difference for " + r.run.name + ": " +
                                           e.what());
        }
      }
      if (!difference.scores.empty()) report.differences.push_back(difference);
    }

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
    c.kl_band = r.bands(Metric::kKl);
    for (auto [d, band] : r.bands(Metric::kFlipRate)) {
      for (double& v : band.first) v *= 100;
      for (double& v : band.second) v *= 100;
      c.flip_rate_band[d] = band;
    }
    curves.push_back(c);
  }
  std::vector<runs::RunRecord> records;
  for (const auto& r : loaded) records.push_back(r.run);
  report.seed_groups = seed_groups(records, report.rows);
  for (const auto& claim : o.claims) {
    std::vector<runs::Score> scores[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& name = k == 0 ? claim.run : claim.baseline;
      const auto reported = std::find_if(loaded.begin(), loaded.end(),
                                         [&](const RunScores& r) { return r.run.name == name; });
      if (reported != loaded.end()) scores[k] = reported->scores;
      else if (store.find(name)) scores[k] = load_run(store, name, o.split).scores;
      else report.output.warnings.push_back("claim \"" + claim.statement + "\": no run " + name + " in " + o.store);
    }
    report.claims.push_back(eval::check_claim(claim, scores[0], scores[1], o.split, o.bootstrap));
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
  md << " Every score of a run is followed by its " << 100 * o.bootstrap.level
     << " % percentile bootstrap interval over the evaluated images, where the evaluation recorded one; the papers' "
        "rows are single published numbers, without intervals.";
  md << "\n\n" << report.table << "\n";
  if (!report.differences.empty()) {
    report.differences_table = differences_table(report.differences).markdown();
    md << "Differences from " << report.reference
       << " on the images both were evaluated on (run - " << report.reference
       << "; errors, consistency and flip rates in percentage points), with their paired " << 100 * o.bootstrap.level
       << " % bootstrap intervals; for errors, McNemar's exact p; n: the images paired. `*`: significant at the "
       << 100 * (1 - o.bootstrap.level) << " % level (McNemar for errors, the interval leaving out 0 otherwise).\n\n"
       << report.differences_table << "\n";
  }
  if (!report.seed_groups.empty()) {
    report.seeds_table = seeds_table(report.seed_groups).markdown();
    md << "Across seeds: runs trained alike but for the seed, each score's mean ± standard deviation over the "
          "seeds, and in brackets the mean half-width of the runs' own "
       << 100 * o.bootstrap.level
       << " % intervals (the spread of the test images); a spread across seeds well beyond it is the variation "
          "of training, which one run's interval does not show.\n\n"
       << report.seeds_table << "\n";
  }
  if (!report.claims.empty()) {
    report.claims_table = claims_table(report.claims).markdown();
    report.claims_summary = claims_summary(report.claims);
    md << "The papers' claims on these runs, each the paired comparison of the two runs on the images both were "
          "evaluated on, at the "
       << 100 * (1 - o.bootstrap.level)
       << " % level: supports (significant, in the claimed direction), cannot tell (not significant), contradicts "
          "(significant, the other way).\n\n"
       << report.claims_table << "\nIn all: " << report.claims_summary << ".\n\n";
  }
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
  write_json(dir / "results.json", rows_json(report, o.split, o.bootstrap.level), report.output);
  write_figures(figures, report.output);
  return report;
}

}  // namespace wavetwin::report
