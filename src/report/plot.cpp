// src/report/plot.cpp: gnuplot scripts for figures, and running gnuplot.
#include "wavetwin/report/plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

extern char** environ;

namespace wavetwin::report {
namespace {

constexpr const char* kSeriesColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/// A gnuplot string literal: single quotes, where only '' needs escaping.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

std::string palette_command(Palette palette) {
  switch (palette) {
    case Palette::kGreys:
      return "set palette defined (0 '#ffffff', 1 '#000000')";
    case Palette::kViridis:
      return "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21908d', 0.75 '#5dc963', 1 '#fde725')";
    case Palette::kDiverging:
      return "set palette defined (0 '#8e0152', 0.25 '#de77ae', 0.5 '#f7f7f7', 0.75 '#7fbc41', 1 '#276419')";
  }
  return {};
}

void write_axis(std::ostream& out, const Axis& axis, const char* name) {
  out << "set " << name << "label " << quoted(axis.label) << "\n";
  out << "set " << name << "range [" << (std::isnan(axis.min) ? "*" : number(axis.min)) << ":"
      << (std::isnan(axis.max) ? "*" : number(axis.max)) << "]\n";
  if (axis.ticks.empty()) {
    out << "set " << name << "tics autofreq\n";
  } else {
    out << "set " << name << "tics (";
    for (size_t i = 0; i < axis.ticks.size(); ++i) {
      out << (i ? ", " : "") << quoted(axis.ticks[i].second) << " " << number(axis.ticks[i].first);
    }
    out << ")\n";
  }
  out << (axis.log ? "set" : "unset") << " logscale " << name << "\n";
}

void check_panel(const Panel& panel) {
  if (panel.heat_map) {
    const torch::Tensor& v = panel.heat_map->values;
    WAVETWIN_CHECK(v.defined() && v.dim() == 2 && v.numel() > 0, "figure panel '", panel.title,
                   "': heat map of shape ", v.defined() ? v.sizes() : torch::IntArrayRef{},
                   "; expected a non-empty (rows, cols) tensor");
  }
  for (const Series& s : panel.series) {
    WAVETWIN_CHECK(s.x.size() == s.y.size(), "figure panel '", panel.title, "': series '", s.title, "' has ",
                   s.x.size(), " x values and ", s.y.size(), " y values; expected as many");
    WAVETWIN_CHECK(s.y_low.size() == s.y_high.size() && (s.y_low.empty() || s.y_low.size() == s.x.size()),
                   "figure panel '", panel.title, "': series '", s.title, "' has a band of ", s.y_low.size(), " and ",
                   s.y_high.size(), " bounds for ", s.x.size(), " points; expected none or one pair per point");
  }
}

}  // namespace

Ticks pi_ticks(double lo, double hi, int divisions) {
  WAVETWIN_CHECK(divisions >= 1, "pi_ticks: divisions=", divisions, "; expected >= 1");
  Ticks ticks;
  const double step = M_PI / divisions;
  for (int64_t k = static_cast<int64_t>(std::ceil(lo / step - 1e-9)); k * step <= hi + 1e-9; ++k) {
    // k pi / divisions in lowest terms.
    const int64_t g = std::gcd(std::abs(k), static_cast<int64_t>(divisions));
    const int64_t num = k / std::max<int64_t>(g, 1), den = divisions / std::max<int64_t>(g, 1);
    std::ostringstream label;
    if (k == 0) {
      label << "0";
    } else {
      if (num < 0) label << "-";
      if (std::abs(num) != 1) label << std::abs(num);
      label << "π";
      if (den != 1) label << "/" << den;
    }
    ticks.emplace_back(k * step, label.str());
  }
  return ticks;
}

std::string gnuplot_script(const Figure& figure, const std::string& png) {
  WAVETWIN_CHECK(!figure.panels.empty(), "figure '", figure.title, "' has no panels");
  const int n = static_cast<int>(figure.panels.size());
  const int columns = figure.columns > 0 ? std::min(figure.columns, n) : n;
  const int rows = (n + columns - 1) / columns;
  const int title_height = figure.title.empty() ? 0 : 40;
  std::ostringstream out;
  out << "# wavetwin figure: run `gnuplot THIS_FILE` to draw it again.\n";
  out << "set encoding utf8\n";
  out << "set terminal pngcairo noenhanced size " << columns * figure.panel_width << ","
      << rows * figure.panel_height + title_height << " font 'DejaVu Sans,11'\n";
  out << "set output " << quoted(png) << "\n";
  out << "set datafile missing 'NaN'\n";

  for (int p = 0; p < n; ++p) {
    const Panel& panel = figure.panels[p];
    check_panel(panel);
    if (panel.heat_map) {
      const torch::Tensor v = panel.heat_map->values.to(torch::kFloat64).contiguous();
      const double* d = v.data_ptr<double>();
      out << "$panel" << p << "_map << EOD\n";
      for (int64_t i = 0; i < v.size(0); ++i) {
        for (int64_t j = 0; j < v.size(1); ++j) out << (j ? " " : "") << number(d[i * v.size(1) + j]);
        out << "\n";
      }
      out << "EOD\n";
    }
    for (size_t s = 0; s < panel.series.size(); ++s) {
      out << "$panel" << p << "_series" << s << " << EOD\n";
      const Series& series = panel.series[s];
      const bool band = !series.y_low.empty();
      for (size_t i = 0; i < series.x.size(); ++i) {
        out << number(series.x[i]) << " " << number(series.y[i]);
        if (band) out << " " << number(series.y_low[i]) << " " << number(series.y_high[i]);
        out << "\n";
      }
      out << "EOD\n";
    }
  }

  if (n > 1 || !figure.title.empty()) {
    out << "set multiplot layout " << rows << "," << columns;
    if (!figure.title.empty()) out << " title " << quoted(figure.title) << " font ',14'";
    out << "\n";
  }
  for (int p = 0; p < n; ++p) {
    const Panel& panel = figure.panels[p];
    out << "\n# panel " << p << "\n";
    out << "set title " << quoted(panel.title) << "\n";
    write_axis(out, panel.x, "x");
    write_axis(out, panel.y, "y");
    out << (panel.square ? "set size ratio -1\n" : "set size noratio\n");
    const bool legend = std::any_of(panel.series.begin(), panel.series.end(),
                                    [](const Series& series) { return !series.title.empty(); });
    // The box is widened by two characters: cairo's text is wider than gnuplot's estimate of it.
    out << (legend ? "set key " + panel.legend + " opaque box width 2\n" : std::string("unset key\n"));
    out << "set grid front\n";
    if (panel.heat_map) {
      out << palette_command(panel.palette) << "\n";
      out << "set colorbox\n";
      out << "set cblabel " << quoted(panel.colour_label) << "\n";
      out << "set cbrange [" << (std::isnan(panel.colour_min) ? "*" : number(panel.colour_min)) << ":"
          << (std::isnan(panel.colour_max) ? "*" : number(panel.colour_max)) << "]\n";
    } else {
      out << "unset colorbox\n";
    }
    std::vector<std::string> parts, bands;
    if (panel.heat_map) {
      const HeatMap& map = *panel.heat_map;
      const double dx = (map.x_max - map.x_min) / map.values.size(1);
      const double dy = (map.y_max - map.y_min) / map.values.size(0);
      std::ostringstream part;
      part << "$panel" << p << "_map matrix using (" << number(map.x_min) << " + ($1 + 0.5) * " << number(dx)
           << "):(" << number(map.y_min) << " + ($2 + 0.5) * " << number(dy) << "):3 with image notitle";
      parts.push_back(part.str());
    }
    for (size_t s = 0; s < panel.series.size(); ++s) {
      const Series& series = panel.series[s];
      const std::string colour =
          series.colour.empty() ? kSeriesColours[s % std::size(kSeriesColours)] : series.colour;
      if (!series.y_low.empty()) {
        bands.push_back("$panel" + std::to_string(p) + "_series" + std::to_string(s) +
                        " using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb " + quoted(colour) +
                        " notitle");
      }
      std::ostringstream part;
      part << "$panel" << p << "_series" << s << " using 1:2 with ";
      switch (series.style) {
        case SeriesStyle::kLines: part << "lines lw 2"; break;
        case SeriesStyle::kPoints: part << "points pt 7 ps 0.8"; break;
        case SeriesStyle::kLinesPoints: part << "linespoints lw 2 pt 7 ps 0.8"; break;
      }
      part << " lc rgb " << quoted(colour) << " "
           << (series.title.empty() ? std::string("notitle") : "title " + quoted(series.title));
      parts.push_back(part.str());
    }
    // Every band under every line, so that no band veils another series' line.
    parts.insert(parts.begin() + (panel.heat_map ? 1 : 0), bands.begin(), bands.end());
    WAVETWIN_CHECK(!parts.empty(), "figure panel '", panel.title, "' has nothing to draw");
    out << "plot ";
    for (size_t i = 0; i < parts.size(); ++i) out << (i ? ", \\\n     " : "") << parts[i];
    out << "\n";
  }
  if (n > 1 || !figure.title.empty()) out << "unset multiplot\n";
  return out.str();
}

bool gnuplot_available() {
  static const bool available = [] {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
      const std::string candidate = (dir.empty() ? "." : dir) + "/gnuplot";
      if (::access(candidate.c_str(), X_OK) == 0) return true;
    }
    return false;
  }();
  return available;
}

bool render(const Figure& figure, const std::filesystem::path& png) { return render({{figure, png}}); }

bool render(const std::vector<std::pair<Figure, std::filesystem::path>>& figures) {
  namespace fs = std::filesystem;
  // The kept script draws into the PNG beside it; the one run here draws into a temporary file first.
  for (const auto& [figure, png] : figures) {
    const std::string kept = gnuplot_script(figure, png.filename().string());
    data::write_file_atomic(fs::path(png).replace_extension(".gp").string(), kept.data(), kept.size());
  }
  if (!gnuplot_available()) return false;

  struct Job {
    fs::path png, partial, script, log;
    pid_t pid = 0;
    int spawned = -1;
  };
  std::vector<Job> jobs;
  for (const auto& [figure, png] : figures) {
    Job job{png, png.string() + ".part", png.string() + ".part.gp", png.string() + ".part.log"};
    std::ofstream(job.script) << gnuplot_script(figure, job.partial.string());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string program = "gnuplot", script_arg = job.script.string();
    char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(script_arg.c_str()), nullptr};
    job.spawned = posix_spawnp(&job.pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    jobs.push_back(std::move(job));
  }
  std::string failures;
  for (Job& job : jobs) {
    int status = 0;
    if (job.spawned == 0) ::waitpid(job.pid, &status, 0);
    std::string messages;
    {
      std::ifstream in(job.log);
      for (std::string line; std::getline(in, line);) {
        // NaN cells of a heat map are deliberate blanks.
        if (line.find("missing or undefined") == std::string::npos && !line.empty()) messages += line + " ";
      }
    }
    std::error_code ignored;
    fs::remove(job.script, ignored);
    fs::remove(job.log, ignored);
    if (job.spawned != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(job.partial)) {
      fs::remove(job.partial, ignored);
      if (failures.empty()) failures = job.png.string() + ": " + (messages.empty() ? "no message" : messages);
      continue;
    }
    fs::rename(job.partial, job.png);
  }
  WAVETWIN_CHECK(failures.empty(), "gnuplot failed to draw ", failures);
  return true;
}

}  // namespace wavetwin::report
