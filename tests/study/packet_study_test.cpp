// tests/study/packet_study_test.cpp: the per-filter study workflow: every band-pass packet measured on the
// readable images (unreadable ones skipped and named), its rows equal to FilterStudy on the same crops, and a
// summary.json that Python reads.
#include "wavetwin/study/packet_study.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/data/image.h"

namespace wavetwin::study {
namespace {

class PacketStudyTest : public test::TempDirTest {};

TEST_F(PacketStudyTest, MeasuresEveryPacketOfTheReadableImages) {
  namespace fs = std::filesystem;
  const std::string images = dir_ + "/images";
  fs::create_directories(images);
  fs::copy_file(test::source_path("tests/fixtures/image/natural_gray.png"), images + "/a.png");
  std::ofstream(images + "/b.txt") << "not an image";
  PacketStudyOptions o;
  o.images = images, o.depth = 2, o.size = 32, o.shift = {1, 1}, o.out = dir_ + "/s";
  int64_t last = 0;
  o.progress = [&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 2);
    last = done;
  };
  const PacketStudy s = study_packets(o);
  EXPECT_EQ(last, 2);
  EXPECT_EQ(s.files, 2);
  EXPECT_EQ(s.images, 1);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].file.filename(), "b.txt");
  EXPECT_EQ(s.packets, 30);  // 2 trees x 4^2 packets less the 2 low-pass ones

  // The study.csv column rho2 equals FilterStudy's discrepancy on the same crop.
  torch::Tensor image = data::read_image(images + "/a.png", data::ColorMode::kGray);
  image = data::center_crop(data::resize_shorter(image, 33), 33, 33);
  FilterStudy direct(FilterStudyOptions().levels(2).shift({1, 1}));
  direct.add(data::to_float_chw(image).unsqueeze(0));
  std::ifstream csv(dir_ + "/s/study.csv");
  std::string line;
  std::getline(csv, line);
  int64_t rows = 0;
  for (; std::getline(csv, line); ++rows) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    const double expected = direct.measures().discrepancy[std::stoi(cells[0])];
    EXPECT_NEAR(std::stod(cells[8]), expected, 1e-5 * std::max(1.0, std::abs(expected))) << line;
  }
  EXPECT_EQ(rows, 30);
  if (test::python_has({"json"})) {
    std::string out;
    EXPECT_EQ(test::run_command(test::python() + " -c \"import json; d = json.load(open('" + dir_ +
                                    "/s/summary.json'), parse_constant=lambda c: 1 / 0); assert d['images'] == 1 and "
                                    "d['unreadable'] == 1 and d['packets'] == 30 and d['shift_dx_dy'] == [1, 1]\"",
                                &out),
              0)
        << out;
  }
}

TEST_F(PacketStudyTest, MistakesAreNamed) {
  std::filesystem::create_directories(dir_ + "/text");
  std::ofstream(dir_ + "/text/a.jpg") << "not a jpeg";
  PacketStudyOptions o;
  o.images = dir_ + "/text", o.out = dir_ + "/s";
  EXPECT_THROW_WITH(study_packets(o), "none of the 1 files could be read as an image");
  o.shift = {0, 0};
  EXPECT_THROW_WITH(study_packets(o), "expected a non-zero translation");
  o.images = dir_ + "/missing", o.shift = {0, 1};
  EXPECT_THROW_WITH(study_packets(o), "missing: no such folder");
}

}  // namespace
}  // namespace wavetwin::study
