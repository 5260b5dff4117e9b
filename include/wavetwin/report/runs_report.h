// wavetwin/report/runs_report.h: the report workflow: recorded runs side by side (and with the papers' rows) as
// report.md in the layout of Tables I / II of P2, results.csv, results.json and the figures (training curves,
// KL divergence against shift, flip rate against step). What `wavetwin report` runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wavetwin/eval/claim.h"
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
  /// Claims checked on the runs' scores (their runs need not be among `runs`), at the bootstrap's level.
  std::vector<eval::Claim> claims;
};

/// One run against the reference run on the images both were evaluated on: per score, the difference run -
/// reference with its paired interval, McNemar's p for the errors, and whether it is significant.
struct RunDifference {
  std::string run;
  std::vector<std::pair<runs::Metric, eval::ScoreComparison>> scores;
};

/// A score across the runs of one recipe trained with different seeds: mean, sample standard deviation, range,
/// and the mean half-width of the runs' own bootstrap intervals (NaN without), for the spread of training
/// beside the spread of the test images.
struct SeedSpread {
  int64_t runs = 0;  ///< runs with the score
  double mean = kMissing, sd = kMissing, min = kMissing, max = kMissing, interval_half_width = kMissing;
};

/// The spread of `values` (NaN-free), with the mean half-width of those `intervals` that are not NaN.
SeedSpread spread_of(const std::vector<double>& values, const std::vector<eval::Interval>& intervals = {});

/// Reported runs trained alike but for the seed (runs::trained_alike), two or more.
struct SeedGroup {
  std::string spec;
  std::vector<std::string> runs;
  std::vector<uint64_t> seeds;
  SeedSpread onecrop_top1, tencrops_top1, mfr, consistency;
};

struct RunsReport {
  std::vector<ResultRow> rows;  ///< the runs', then the papers'
  std::string reference;        ///< the run of mFR = 100
  std::string table;            ///< the results table as Markdown
  std::vector<RunDifference> differences;  ///< each other run against the reference
  std::string differences_table;           ///< as Markdown; empty when no pair has per-image values
  std::vector<SeedGroup> seed_groups;
  std::string seeds_table;  ///< as Markdown; empty without a group
  std::vector<eval::ClaimCheck> claims;
  std::string claims_table;    ///< as Markdown; empty without claims
  /// "supports 2 (…), cannot tell 3 (…), contradicts 1 (…)": each verdict with its claims' statements.
  std::string claims_summary;
  Output output;
};

/// Reads the runs' scores (of the best checkpoint when it was evaluated, else of the checkpoint with the most
/// scores) and writes the report. Throws wavetwin::Error naming the store, run or option at fault.
RunsReport write_runs_report(const RunsReportOptions& options);

}  // namespace wavetwin::report
