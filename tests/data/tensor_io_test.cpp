// tests/data/tensor_io_test.cpp: tensor files exchanged with Python's torch.save / torch.load, bit-exact.
#include "wavetwin/data/tensor_io.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

class TensorIoTest : public test::Seeded {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(TensorIoTest, RoundTripIsBitExact) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const torch::Tensor x = torch::randn({3, 5, 7}, dtype);
    save_tensor(dir_ + "/x.pt", x);
    EXPECT_TRUE(torch::equal(load_tensor(dir_ + "/x.pt"), x));
  }
}

TEST_F(TensorIoTest, PythonReadsAndWritesTheSameBits) {
  WAVETWIN_REQUIRE_PYTHON("torch");
  const torch::Tensor x = torch::randn({4, 6}, torch::kFloat64);
  save_tensor(dir_ + "/x.pt", x);
  std::string out;
  ASSERT_EQ(test::run_command(test::python() + " -c 'import torch; t = torch.load(\"" + dir_ + "/x.pt\"); torch.save(t * 2, \"" +
                                  dir_ + "/y.pt\")'",
                              &out),
            0)
      << out;
  EXPECT_TRUE(torch::equal(load_tensor(dir_ + "/y.pt"), x * 2));
}

TEST_F(TensorIoTest, BadFilesGiveAnErrorNamingTheFile) {
  std::ofstream(dir_ + "/garbage.pt") << "not a tensor";
  std::ofstream(dir_ + "/empty.pt");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/garbage.pt"), "garbage.pt: not a torch.save tensor file");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/empty.pt"), "empty.pt: empty file");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/missing.pt"), "missing.pt: no such file");
}

}  // namespace
}  // namespace wavetwin::data
