// tests/cli/cli_test.cpp: the wavetwin command line, end to end (exit codes, files, messages).
#include <filesystem>
#include <sstream>

#include "support/support.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"

namespace wavetwin {
namespace {

class CliTest : public test::Seeded {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int wavetwin(const std::string& args, std::string* output) {
    return test::run_command(std::string(WAVETWIN_CLI_PATH) + " " + args, output);
  }

  std::string dir_;
  const std::string image_ = test::source_path("tests/fixtures/image/natural_gray.png");
};

TEST_F(CliTest, TransformWritesPacketsPythonCanLoad) {
  std::string out;
  ASSERT_EQ(wavetwin("transform " + image_ + " --depth 2 --stride 2 --output " + dir_ + "/y.pt", &out), 0) << out;
  EXPECT_NE(out.find("[1, 1, 97, 131] -> [1, 64, 48, 65]"), std::string::npos) << out;
  const torch::Tensor y = data::load_tensor(dir_ + "/y.pt");
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 64, 48, 65}));
  if (test::python_has({"torch"})) {
    std::string sum;
    ASSERT_EQ(test::run_command(test::python() + " -c 'import torch; print(repr(torch.load(\"" + dir_ +
                                    "/y.pt\").double().sum().item()))'",
                                &sum),
              0)
        << sum;
    EXPECT_NEAR(std::stod(sum), y.to(torch::kFloat64).sum().item<double>(), 1e-9 * std::abs(std::stod(sum)));
  }
}

TEST_F(CliTest, TransformWritesOneMosaicPerTree) {
  std::string out;
  ASSERT_EQ(wavetwin("transform " + image_ + " -J 3 --mosaic " + dir_ + "/m.png", &out), 0) << out;
  for (const std::string tree : {"a", "b"}) {
    const torch::Tensor mosaic = data::read_image(dir_ + "/m_psi_" + tree + ".png");
    EXPECT_EQ(mosaic.size(2), 1);
    EXPECT_GT(mosaic.max().item<int>(), 0);
  }
}

TEST_F(CliTest, InverseReportsTheReconstructionError) {
  std::string out;
  ASSERT_EQ(wavetwin("transform " + image_ + " -J 2 --full --inverse", &out), 0) << out;
  const size_t at = out.find("relative ");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_LT(std::stod(out.substr(at + 9)), 1e-5) << out;
}

TEST_F(CliTest, TransformReadsTensorFiles) {
  data::save_tensor(dir_ + "/x.pt", torch::randn({3, 40, 36}, torch::kFloat64));
  std::string out;
  ASSERT_EQ(wavetwin("transform " + dir_ + "/x.pt -J 2 -S 2 --padding symmetric --complex -o " + dir_ + "/z.pt", &out), 0)
      << out;
  const torch::Tensor z = data::load_tensor(dir_ + "/z.pt");
  EXPECT_TRUE(z.is_complex());
  EXPECT_EQ(z.sizes(), (std::vector<int64_t>{1, 96, 20, 18}));
}

TEST_F(CliTest, BadInputExitsTwoWithOneLine) {
  std::string out;
  EXPECT_EQ(wavetwin("transform " + dir_ + "/missing.png", &out), 2);
  EXPECT_NE(out.find("missing.png: no such file"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_EQ(wavetwin("transform " + image_ + " -J 2 --inverse", &out), 2);
  EXPECT_NE(out.find("not invertible"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("transform " + image_ + " -J 2 -S 3", &out), 2);
  EXPECT_NE(out.find("expected a power of two"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("transform " + image_ + " --padding mirror", &out), 2);
  EXPECT_NE(out.find("unknown mode 'mirror'"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("frobnicate", &out), 2);
}

TEST_F(CliTest, FiltersPrintsBanksAndPacketTable) {
  std::string out;
  ASSERT_EQ(wavetwin("filters", &out), 0) << out;
  EXPECT_NE(out.find("qshift_a (Q-shift, 10 taps)"), std::string::npos);
  EXPECT_NE(out.find("near_sym_b (biorthogonal"), std::string::npos);
  ASSERT_EQ(wavetwin("filters --packets 2", &out), 0) << out;
  std::istringstream lines(out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) rows += line.find(" a ") != std::string::npos || line.find(" b ") != std::string::npos;
  EXPECT_EQ(rows, 32) << out;
}

}  // namespace
}  // namespace wavetwin
