// wavetwin/report/runs_report.h: the report workflow: recorded runs side by side (and with the papers' rows) as
// report.md in the layout of Tables I / II of P2, results.csv, results.json and the figures (training curves,
// KL divergence against shift, flip rate against step). What `wavetwin report` runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wavetwin/eval/comparison.h"
#include "wavetwin/eval/confidence.h"
#include "wavetwin/report/output.h"
#include "wavetwin/report/results.h"
#include "wavetwin/runs/score.h"

namespace wavetwin::report {

/// Example: `write_runs_report({.runs = {"R18C", "R18wyC_mod"}, .paper = "cifar10", .out = "report"})`
struct RunsReportOptions {
  /// Run names; empty: every run in the store.
  std::vector<std::string> runs;
  /// The run whose mean flip rates define mFR = 100; nullopt: the first run.
  std::optional<std::string> reference;
  /// Add the papers' rows: "imagenet" or "cifar10".
  std::optional<std::string> paper;
  /// Output folder (created when missing).
  std::string out;
  std::string store = "runs/wavetwin.db";
  runs::Split split = runs::Split::kTest;
  /// Title of report.md; empty: "wavetwin report".
  std::string title;
  /// The mFR's interval and the paired differences against the reference run: resamples, level (also the
  /// significance level of the differences, 1 - level) and seed.
  eval::BootstrapOptions bootstrap;
};

/// One run against the reference run on the images both were evaluated on: per score, the difference run -
/// reference with its paired interval, McNemar's p for the errors, and whether it is significant.
struct RunDifference {
  std::string run;
  std::vector<std::pair<runs::Metric, eval::ScoreComparison>> scores;
};

struct RunsReport {
  std::vector<ResultRow> rows;  ///< the runs', then the papers'
  std::string reference;        ///< the run of mFR = 100
  std::string table;            ///< the results table as Markdown
  std::vector<RunDifference> differences;  ///< each other run against the reference
  std::string differences_table;           ///< as Markdown; empty when no pair has per-image values
  Output output;
};

/// Reads the runs' scores (of the best checkpoint when it was evaluated, else of the checkpoint with the most
/// scores) and writes the report. Throws wavetwin::Error naming the store, run or option at fault.
RunsReport write_runs_report(const RunsReportOptions& options);

}  // namespace wavetwin::report
