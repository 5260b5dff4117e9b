// tests/data/idx_test.cpp: the IDX reader on plain and gzip files, and on Debian's Fashion-MNIST.
#include "wavetwin/data/idx.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/data/source.h"

namespace wavetwin::data {
namespace {

class IdxTest : public test::TempDirTest {
 protected:
  static void put32(std::vector<uint8_t>& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
  }
  void write(const std::string& name, const std::vector<uint8_t>& bytes, bool gzip) {
    const std::string path = dir_ + "/" + name;
    if (gzip) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
  }
  // n images of 3x4 with pixel (i, y, x) = i + 10 y + x, labels i % 3.
  void write_pair(int n, bool gzip, int labels_count = -1) {
    std::vector<uint8_t> images, labels;
    put32(images, 0x803), put32(images, n), put32(images, 3), put32(images, 4);
    for (int i = 0; i < n; ++i)
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) images.push_back(static_cast<uint8_t>(i + 10 * y + x));
    const int m = labels_count < 0 ? n : labels_count;
    put32(labels, 0x801), put32(labels, m);
    for (int i = 0; i < m; ++i) labels.push_back(static_cast<uint8_t>(i % 3));
    write(gzip ? "images.gz" : "images", images, gzip);
    write(gzip ? "labels.gz" : "labels", labels, gzip);
  }
};

TEST_F(IdxTest, ReadsPlainAndGzipFiles) {
  for (const bool gzip : {false, true}) {
    write_pair(7, gzip);
    const std::string suffix = gzip ? ".gz" : "";
    const auto ds = read_idx(dir_ + "/images" + suffix, dir_ + "/labels" + suffix, {}, "toy");
    ASSERT_EQ(ds->size(), 7);
    EXPECT_EQ(ds->images().sizes(), (std::vector<int64_t>{7, 3, 4, 1}));
    EXPECT_EQ(ds->image(5)[2][3][0].item<int>(), 5 + 20 + 3);
    EXPECT_EQ(ds->label(5), 2);
    EXPECT_EQ(ds->classes(), (std::vector<std::string>{"0", "1", "2"}));
  }
}

TEST_F(IdxTest, BadFilesAreNamed) {
  EXPECT_THROW_WITH(read_idx(dir_ + "/none", dir_ + "/none", {}, "toy"), "none: no such file");
  write_pair(4, false, 3);
  EXPECT_THROW_WITH(read_idx(dir_ + "/images", dir_ + "/labels", {}, "toy"), "expected 4 labels, one per image");
  EXPECT_THROW_WITH(read_idx(dir_ + "/labels", dir_ + "/images", {}, "toy"), "not an IDX image file");
  std::filesystem::resize_file(dir_ + "/images", 30);
  EXPECT_THROW_WITH(read_idx(dir_ + "/images", dir_ + "/labels", {}, "toy"), "images: 30 bytes; expected 64");
}

TEST_F(IdxTest, HostileHeadersAreRefusedBeforeTheyAllocate) {
  write_pair(1, false);
  // Dimensions whose product overflows 64 bits (found by the IDX fuzz target: it wrapped to a small size).
  std::vector<uint8_t> overflow;
  put32(overflow, 0x803), put32(overflow, 0xFFFFFFFF), put32(overflow, 0xFFFFFFFF), put32(overflow, 0xFFFFFFFF);
  write("images", overflow, false);
  EXPECT_THROW_WITH(read_idx(dir_ + "/images", dir_ + "/labels", {}, "toy"),
                    "declares [4294967295, 4294967295, 4294967295] values, more than a file can hold");
  // A gzip bomb: 2 images declared, 4 MiB of zeros inflated from a few KiB; reading stops at the declared 24.
  std::vector<uint8_t> bomb;
  put32(bomb, 0x803), put32(bomb, 2), put32(bomb, 3), put32(bomb, 4);
  bomb.resize(bomb.size() + (4 << 20), 0);
  write("bomb.gz", bomb, true);
  EXPECT_LT(std::filesystem::file_size(dir_ + "/bomb.gz"), 10000u);
  EXPECT_THROW_WITH(read_idx(dir_ + "/bomb.gz", dir_ + "/labels", {}, "toy"),
                    "bomb.gz: more than the 40 bytes its header declares for [2, 3, 4] values");
}

TEST_F(IdxTest, DebianFashionMnist) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs Debian's dataset-fashion-mnist (" << kFashionMnistDir << ")";
  }
  const DataSplits data = open_data("fashion-mnist");
  EXPECT_EQ(data.train->size() + data.val->size(), 60000);
  EXPECT_EQ(data.val->size(), 5000);
  EXPECT_EQ(data.test->size(), 10000);
  EXPECT_EQ(data.train->channels(), 1);
  EXPECT_EQ(data.test->image(0).sizes(), (std::vector<int64_t>{28, 28, 1}));
  EXPECT_EQ(data.train->classes().at(9), "Ankle boot");
}

}  // namespace
}  // namespace wavetwin::data
