// src/report/table.cpp: CSV and Markdown rendering of tables.
#include "wavetwin/report/table.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::report {
namespace {

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Characters, not bytes, so that cells with "±" or "Δ" (two bytes in UTF-8) line up: continuation bytes
// (10xxxxxx) are not counted.
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {
  WAVETWIN_CHECK(!columns_.empty(), "table: no columns");
}

void Table::add_row(std::vector<std::string> cells) {
  WAVETWIN_CHECK(cells.size() == columns_.size(), "table: row of ", cells.size(), " cells; expected ",
                 columns_.size(), " (one per column)");
  rows_.push_back(std::move(cells));
}

std::string Table::csv() const {
  std::ostringstream out;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << "\n";
  };
  line(columns_);
  for (const auto& row : rows_) line(row);
  return out.str();
}

std::string Table::markdown() const {
  std::vector<size_t> width(columns_.size(), 3);
  const auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) width[i] = std::max(width[i], display_width(cells[i]));
  };
  measure(columns_);
  for (const auto& row : rows_) measure(row);
  std::ostringstream out;
  const auto line = [&](const std::vector<std::string>& cells) {
    out << "|";
    for (size_t i = 0; i < cells.size(); ++i) {
      out << " " << cells[i] << std::string(width[i] - display_width(cells[i]), ' ') << " |";
    }
    out << "\n";
  };
  line(columns_);
  out << "|";
  for (size_t w : width) out << std::string(w + 2, '-') << "|";
  out << "\n";
  for (const auto& row : rows_) line(row);
  return out.str();
}

void Table::write_csv(const std::string& path) const {
  const std::string text = csv();
  data::write_file_atomic(path, text.data(), text.size());
}

std::string cell(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace wavetwin::report
