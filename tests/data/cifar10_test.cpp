// tests/data/cifar10_test.cpp: the CIFAR-10 binary reader on synthetic batch files.
#include "wavetwin/data/cifar10.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"

namespace wavetwin::data {
namespace {

class Cifar10Test : public test::TempDirTest {
 protected:
  // Record r of file f: label (f + r) % 10, pixel (y, x) of channel c = (r + 7 c + y + 3 x) % 256.
  void write_batch(const std::string& name, int f, int64_t records = 10000) {
    std::vector<uint8_t> bytes;
    for (int64_t r = 0; r < records; ++r) {
      bytes.push_back(static_cast<uint8_t>((f + r) % 10));
      for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < 32; ++y) {
          for (int x = 0; x < 32; ++x) bytes.push_back(static_cast<uint8_t>((r + 7 * c + y + 3 * x) % 256));
        }
      }
    }
    std::ofstream(dir_ + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
};

TEST_F(Cifar10Test, ReadsPlanarRecordsIntoImages) {
  for (int f = 1; f <= 5; ++f) write_batch("data_batch_" + std::to_string(f) + ".bin", f);
  write_batch("test_batch.bin", 0);
  const auto train = read_cifar10_binary(dir_, true);
  ASSERT_EQ(train->size(), 50000);
  EXPECT_EQ(train->images().sizes(), (std::vector<int64_t>{50000, 32, 32, 3}));
  EXPECT_EQ(train->classes().size(), 10u);
  const int64_t i = 2 * 10000 + 17;  // file 3, record 17
  EXPECT_EQ(train->label(i), (3 + 17) % 10);
  const torch::Tensor image = train->image(i);
  EXPECT_EQ(image[5][9][2].item<int>(), (17 + 14 + 5 + 27) % 256);
  EXPECT_EQ(image[31][0][0].item<int>(), (17 + 31) % 256);
  const auto test = read_cifar10_binary(dir_, false);
  EXPECT_EQ(test->size(), 10000);
  EXPECT_EQ(test->label(3), 3);
}

TEST_F(Cifar10Test, MissingTruncatedAndBadFilesAreNamed) {
  EXPECT_THROW_WITH(read_cifar10_binary(dir_, false), "test_batch.bin: no such file");
  write_batch("test_batch.bin", 0, 9999);
  EXPECT_THROW_WITH(read_cifar10_binary(dir_, false), "test_batch.bin: 30726927 bytes; expected 30730000");
  write_batch("test_batch.bin", 0);
  {
    std::fstream file(dir_ + "/test_batch.bin", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(3073 * 4);
    file.put(static_cast<char>(12));
  }
  EXPECT_THROW_WITH(read_cifar10_binary(dir_, false), "label 12 in record 4");
}

}  // namespace
}  // namespace wavetwin::data
