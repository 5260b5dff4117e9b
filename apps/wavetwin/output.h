// apps/wavetwin/output.h: what every subcommand that writes a directory of results shares.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "wavetwin/report/plot.h"

namespace wavetwin::cli {

/// Creates `dir` (and its parents) when missing; throws wavetwin::Error when it names a file.
std::filesystem::path output_dir(const std::string& dir);

/// Renders `figure` to `png` and says so on stdout, or says on stderr that gnuplot is missing (the script and
/// the data are written all the same).
void write_figure(const report::Figure& figure, const std::filesystem::path& png);

/// write_figure() for several figures at once (drawn concurrently).
void write_figures(const std::vector<std::pair<report::Figure, std::filesystem::path>>& figures);

/// Seconds as H:MM:SS.
std::string format_duration(double seconds);

}  // namespace wavetwin::cli
