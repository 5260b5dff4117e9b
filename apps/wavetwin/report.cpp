// apps/wavetwin/report.cpp: `wavetwin report`: flags to report::RunsReportOptions, the table printed.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "output.h"
#include "print.h"

namespace wavetwin::cli {

void print_report(const report::RunsReport& report) {
  print_output(report.output);
  std::printf("\n%s", report.table.c_str());
  for (const std::string* table : {&report.differences_table, &report.seeds_table, &report.claims_table}) {
    if (!table->empty()) std::printf("\n%s", table->c_str());
  }
  if (!report.claims_summary.empty()) std::printf("\nClaims: %s.\n", report.claims_summary.c_str());
  std::fflush(stdout);
}

Runner add_report(CLI::App& app) {
  auto o = std::make_shared<report::RunsReportOptions>();
  auto split = std::make_shared<std::string>("test");
  auto claims = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("report", "Runs side by side with the papers: report.md, CSV, JSON, figures");
  sub->add_option("runs", o->runs, "Run names (default: every run in the store)");
  add_optional(sub, "--reference", o->reference, "Run whose mean flip rates define mFR = 100 (default: the first run)");
  add_optional(sub, "--paper", o->paper, "Add the papers' rows: imagenet or cifar10");
  sub->add_option("--split", *split, "Scores of the test or val split")->capture_default_str();
  sub->add_option("--title", o->title, "Title of report.md");
  sub->add_option("--claims", *claims,
                  "JSON file of claims to check (statement, run, baseline, metric, claimed: lower or higher; "
                  "see README), or a report's results.json");
  sub->add_option("--out", o->out, "Output directory")->required();
  sub->add_option("--store", o->store, "Run store (SQLite)")->capture_default_str();
  return [sub, o, split, claims] {
    if (!sub->parsed()) return;
    o->split = runs::parse_split(*split, "--split");
    if (!claims->empty()) o->claims = eval::read_claims(*claims);
    print_report(report::write_runs_report(*o));
  };
}

}  // namespace wavetwin::cli
