// src/report/output.cpp: output folders and the files written into them.
#include "wavetwin/report/output.h"

#include <system_error>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::report {

std::filesystem::path output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  WAVETWIN_CHECK(!dir.empty(), "--out: empty path; expected a directory");
  std::error_code error;
  fs::create_directories(dir, error);
  WAVETWIN_CHECK(fs::is_directory(dir), "--out ", dir, ": cannot create the directory",
                 error ? " (" + error.message() + ")" : std::string(" (a file of that name exists)"));
  return fs::path(dir);
}

void write_text(const std::filesystem::path& path, const std::string& text, Output& output) {
  data::write_file_atomic(path.string(), text.data(), text.size());
  output.files.push_back(path);
}

void write_json(const std::filesystem::path& path, const nlohmann::ordered_json& json, Output& output) {
  write_text(path, json.dump(2) + "\n", output);
}

void write_csv(const std::filesystem::path& path, const Table& table, Output& output) {
  table.write_csv(path.string());
  output.files.push_back(path);
}

void write_figures(const std::vector<std::pair<Figure, std::filesystem::path>>& figures, Output& output) {
  if (render(figures)) {
    for (const auto& figure : figures) output.files.push_back(figure.second);
    return;
  }
  for (const auto& figure : figures) {
    output.warnings.push_back("gnuplot not found, " + figure.second.string() + " not drawn (its script " +
                              std::filesystem::path(figure.second).replace_extension(".gp").string() +
                              " and the data are written; install gnuplot-nox)");
  }
}

}  // namespace wavetwin::report
