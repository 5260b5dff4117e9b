// wavetwin/report/output.h: the folder of files a workflow writes (tables, figures, summaries) and the record
// of what it wrote, for the caller to show.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "wavetwin/report/plot.h"
#include "wavetwin/report/table.h"

namespace wavetwin::report {

/// What a workflow wrote, in order, and what it could not (e.g. figures without gnuplot).
struct Output {
  std::vector<std::filesystem::path> files;
  std::vector<std::string> warnings;
};

/// Creates `dir` (and its parents) when missing; throws wavetwin::Error when it cannot, or names a file.
std::filesystem::path output_dir(const std::string& dir);

/// Writes `text` to `path` atomically and records it.
void write_text(const std::filesystem::path& path, const std::string& text, Output& output);
/// Writes `json` (indented, non-finite numbers as null) atomically and records it.
void write_json(const std::filesystem::path& path, const nlohmann::ordered_json& json, Output& output);
/// Writes `table` as CSV and records it.
void write_csv(const std::filesystem::path& path, const Table& table, Output& output);
/// Renders the figures concurrently and records the PNGs; without gnuplot, records a warning for each
/// instead (its script and data are written all the same).
void write_figures(const std::vector<std::pair<Figure, std::filesystem::path>>& figures, Output& output);

}  // namespace wavetwin::report
