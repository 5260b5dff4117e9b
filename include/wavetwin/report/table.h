// wavetwin/report/table.h: tables of results, written as CSV or Markdown.
#pragma once

#include <string>
#include <vector>

namespace wavetwin::report {

/// A table of text cells under named columns.
class Table {
 public:
  explicit Table(std::vector<std::string> columns);
  /// Appends a row; throws wavetwin::Error unless it has one cell per column.
  void add_row(std::vector<std::string> cells);
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }

  /// RFC 4180 CSV: cells holding a comma, quote or line break are quoted.
  std::string csv() const;
  /// A GitHub-flavoured Markdown table, columns padded to equal width.
  std::string markdown() const;
  /// Writes csv() to `path` atomically.
  void write_csv(const std::string& path) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// A number as a cell: `digits` significant digits ("%.*g"), "nan" and "inf" as such.
std::string cell(double value, int digits = 6);

/// Seconds as H:MM:SS.
std::string format_duration(double seconds);

}  // namespace wavetwin::report
