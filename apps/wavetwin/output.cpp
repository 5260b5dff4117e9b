// apps/wavetwin/output.cpp: output directories and figures for the subcommands.
#include "output.h"

#include <cstdio>
#include <system_error>

#include "wavetwin/error.h"

namespace wavetwin::cli {

std::filesystem::path output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  WAVETWIN_CHECK(!dir.empty(), "--out: empty path; expected a directory");
  std::error_code error;
  fs::create_directories(dir, error);
  WAVETWIN_CHECK(fs::is_directory(dir), "--out ", dir, ": cannot create the directory",
                 error ? " (" + error.message() + ")" : std::string(" (a file of that name exists)"));
  return fs::path(dir);
}

void write_figure(const report::Figure& figure, const std::filesystem::path& png) { write_figures({{figure, png}}); }

void write_figures(const std::vector<std::pair<report::Figure, std::filesystem::path>>& figures) {
  if (report::render(figures)) {
    for (const auto& figure : figures) std::printf("wrote %s\n", figure.second.c_str());
    return;
  }
  for (const auto& figure : figures) {
    std::fprintf(stderr, "wavetwin: gnuplot not found, %s not drawn (its script %s and the data are written; "
                 "install gnuplot-nox)\n", figure.second.c_str(),
                 std::filesystem::path(figure.second).replace_extension(".gp").c_str());
  }
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace wavetwin::cli
