// tests/report/table_test.cpp: CSV and Markdown tables.
#include "wavetwin/report/table.h"

#include <filesystem>

#include "support/support.h"
#include "wavetwin/data/file.h"

namespace wavetwin::report {
namespace {

TEST(TableTest, CsvQuotesOnlyWhatNeedsIt) {
  Table table({"name", "value"});
  table.add_row({"plain", cell(0.5)});
  table.add_row({"a,b \"c\"", cell(std::nan(""))});
  EXPECT_EQ(table.csv(), "name,value\nplain,0.5\n\"a,b \"\"c\"\"\",nan\n");
  EXPECT_THROW_WITH(table.add_row({"one"}), "row of 1 cells; expected 2");
}

TEST(TableTest, MarkdownPadsColumns) {
  Table table({"model", "top-1"});
  table.add_row({"R18wyC_mod", cell(13.83, 4)});
  EXPECT_EQ(table.markdown(), "| model      | top-1 |\n|------------|-------|\n| R18wyC_mod | 13.83 |\n");
  // Padded by characters: "±" and "Δ" are two bytes each.
  Table spread({"Δ a", "b"});
  spread.add_row({"1 ± 2", "x"});
  EXPECT_EQ(spread.markdown(), "| Δ a   | b   |\n|-------|-----|\n| 1 ± 2 | x   |\n");
}

TEST(TableTest, CellsFormatNumbers) {
  EXPECT_EQ(cell(1.0 / 3, 3), "0.333");
  EXPECT_EQ(cell(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(cell(1e-20), "1e-20");
}

TEST(TableTest, WritesAtomically) {
  const std::string dir = test::temp_dir();
  Table table({"a"});
  table.add_row({"1"});
  table.write_csv(dir + "/t.csv");
  const auto bytes = data::read_file(dir + "/t.csv");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "a\n1\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wavetwin::report
