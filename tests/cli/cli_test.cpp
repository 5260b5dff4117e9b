// tests/cli/cli_test.cpp: the wavetwin command line, end to end (exit codes, files, messages).
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "support/support.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/source.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/dist/launch.h"
#include "wavetwin/models/model.h"
#include "wavetwin/report/plot.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/runs/run_store.h"
#include "wavetwin/wavelets/dtcwt.h"

namespace wavetwin {
namespace {

// The rows of a CSV file, split at commas (the files checked here quote nothing).
// RFC 4180 rows: a quoted cell may hold commas ("66.67 [33.33, 100.00]") and doubled quotes.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"', ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.emplace_back();
      } else {
        cells.back() += c;
      }
    }
    rows.push_back(cells);
  }
  return rows;
}

// Every cell of rows [1, end) and columns [first, end) is a finite number.
void expect_finite(const std::vector<std::vector<std::string>>& rows, size_t first) {
  for (size_t i = 1; i < rows.size(); ++i) {
    for (size_t j = first; j < rows[i].size(); ++j) {
      EXPECT_TRUE(std::isfinite(std::stod(rows[i][j]))) << "row " << i << " column " << j << ": " << rows[i][j];
    }
  }
}

class CliTest : public test::TempDirTest {
 protected:
  int wavetwin(const std::string& args, std::string* output) {
    return test::run_command(std::string(WAVETWIN_CLI_PATH) + " " + args, output);
  }

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

TEST_F(CliTest, DtcwtWritesThePyramidAndReconstructs) {
  std::string out;
  ASSERT_EQ(wavetwin("transform " + image_ + " --dtcwt -J 3 --biort near_sym_b --filters qshift_b --inverse -o " +
                         dir_ + "/p.pt",
                     &out),
            0)
      << out;
  EXPECT_NE(out.find("[1, 1, 97, 131] -> lowpass [1, 1, 26, 34] (J=3, near_sym_b, qshift_b)"), std::string::npos) << out;
  const size_t at = out.find("relative ");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_LT(std::stod(out.substr(at + 9)), 1e-5) << out;
  std::map<std::string, torch::Tensor> pyramid;
  for (auto& [name, tensor] : data::load_tensors(dir_ + "/p.pt")) pyramid[name] = tensor;
  ASSERT_EQ(pyramid.size(), 4u);
  EXPECT_EQ(pyramid["highpass0"].sizes(), (std::vector<int64_t>{1, 1, 6, 49, 66, 2}));
  EXPECT_EQ(pyramid["highpass2"].sizes(), (std::vector<int64_t>{1, 1, 6, 13, 17, 2}));
  const auto o = wavelets::DtcwtOptions(3).biort("near_sym_b").qshift("qshift_b");
  const torch::Tensor x = data::to_float_chw(data::read_image(image_)).unsqueeze(0);
  EXPECT_TRUE(torch::allclose(pyramid["highpass1"], wavelets::dtcwt2d(x, o).highpasses[1]));
  if (test::python_has({"torch"})) {
    std::string keys;
    ASSERT_EQ(test::run_command(test::python() + " -c 'import torch; print(sorted(torch.load(\"" + dir_ + "/p.pt\")))'", &keys), 0)
        << keys;
    EXPECT_NE(keys.find("['highpass0', 'highpass1', 'highpass2', 'lowpass']"), std::string::npos) << keys;
  }
}

TEST_F(CliTest, DtcwtReadsTensorFiles) {
  const torch::Tensor x = torch::randn({3, 40, 36}, torch::kFloat64);
  data::save_tensor(dir_ + "/x.pt", x);
  std::string out;
  ASSERT_EQ(wavetwin("transform " + dir_ + "/x.pt --dtcwt -J 2 --filters qshift_c -o " + dir_ + "/p.pt", &out), 0) << out;
  std::map<std::string, torch::Tensor> pyramid;
  for (auto& [name, tensor] : data::load_tensors(dir_ + "/p.pt")) pyramid[name] = tensor;
  ASSERT_EQ(pyramid["highpass1"].sizes(), (std::vector<int64_t>{1, 3, 6, 10, 9, 2}));
  const auto expected = wavelets::dtcwt2d(x.unsqueeze(0), wavelets::DtcwtOptions(2).qshift("qshift_c"));
  EXPECT_TRUE(torch::equal(pyramid["highpass1"], expected.highpasses[1]));
  EXPECT_TRUE(torch::equal(pyramid["lowpass"], expected.lowpass));
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
  // Messages that name what the file is: an empty or random .jpg, a folder, a mistyped store.
  std::ofstream(dir_ + "/empty.jpg").close();
  std::ofstream(dir_ + "/random.jpg") << "random bytes";
  EXPECT_EQ(wavetwin("transform " + dir_ + "/empty.jpg", &out), 2);
  EXPECT_NE(out.find("empty.jpg: empty file; expected a JPEG or PNG image"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("transform " + dir_ + "/random.jpg", &out), 2);
  EXPECT_NE(out.find("random.jpg: unsupported format"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("transform " + dir_, &out), 2);
  EXPECT_NE(out.find(": a folder; expected a file"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("runs list --store " + dir_ + "/mistyped.db", &out), 2);
  EXPECT_NE(out.find("mistyped.db: no such run store"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/mistyped.db"));
}

// Every numeric option of train is range-checked before anything is opened or written: the option is named,
// exit code 2, no store created.
TEST_F(CliTest, TrainRejectsNumbersOutOfRangeNamingTheOption) {
  const std::string store = dir_ + "/runs/runs.db";
  const std::string train = "train R18C --data folder:" + dir_ + " --store " + store;
  for (const char* bad : {"--epochs 0", "--epochs -3", "--lr -0.1", "--lr 0", "--momentum -1", "--weight-decay -1e-4",
                          "--step 0", "--gamma 0", "--warmup -1", "--batch 0", "--batch -4", "--accumulate 0",
                          "--size -32", "--size 4", "--holdout -7", "--train-images -5", "--seed -1", "--threads -2",
                          "--loader-threads -1", "--keep-every -1", "--stop-after 0"}) {
    std::string out;
    EXPECT_EQ(wavetwin(train + " " + bad, &out), 2) << bad << ": " << out;
    const std::string option = std::string(bad).substr(0, std::string(bad).find(' '));
    EXPECT_NE(out.find(option + ":"), std::string::npos) << bad << ": " << out;
  }
  std::string out;
  EXPECT_EQ(wavetwin(train + " --lr nan", &out), 2);
  EXPECT_NE(out.find("--lr: nan; expected a number > 0"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(store));
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

TEST_F(CliTest, TheoryWritesTheGammaMap) {
  std::string out;
  ASSERT_EQ(wavetwin("theory --m 2 --grid 32 --packets 2 --out " + dir_ + "/t", &out), 0) << out;
  const auto rows = read_csv(dir_ + "/t/gamma.csv");
  ASSERT_EQ(rows.size(), 33u);
  for (const auto& row : rows) ASSERT_EQ(row.size(), 33u);
  expect_finite(rows, 1);
  EXPECT_NEAR(std::stod(rows[17][17]), 1.5, 1e-6);  // theta = (0, 0): gamma(0)^2 = 3/2
  EXPECT_NEAR(std::stod(rows[17][0]), 0.0, 1e-9);   // the row header: xi_row = 0
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/t/gamma.gp"));
  if (report::gnuplot_available()) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/t/gamma.png")) << out;
  }
}

TEST_F(CliTest, FiguresWithoutGnuplotStillWriteTheData) {
  std::string out;
  ASSERT_EQ(test::run_command("PATH=/nonexistent " + std::string(WAVETWIN_CLI_PATH) + " theory --m 4 --grid 16 --out " +
                                  dir_ + "/t",
                              &out),
            0)
      << out;
  EXPECT_NE(out.find("gnuplot not found"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/t/gamma.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/t/gamma.gp"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/t/gamma.png"));
}

TEST_F(CliTest, StudyMeasuresEveryPacketAndSkipsUnreadableFiles) {
  namespace fs = std::filesystem;
  const std::string images = dir_ + "/images";
  fs::create_directories(images + "/sub");
  fs::copy_file(image_, images + "/grey.png");  // 131 x 97: smaller than the crop, resized up
  fs::copy_file(test::source_path("tests/fixtures/image/natural_rgb.jpg"), images + "/sub/colour.jpg");
  std::ofstream(images + "/notes.txt") << "not an image";
  std::string out;
  ASSERT_EQ(wavetwin("study --images " + images + " --depth 2 --size 64 --shift 0,1 --out " + dir_ + "/s", &out), 0)
      << out;
  EXPECT_NE(out.find("1 of 3 files could not be read"), std::string::npos) << out;
  EXPECT_NE(out.find("notes.txt"), std::string::npos) << out;
  const auto rows = read_csv(dir_ + "/s/study.csv");
  ASSERT_EQ(rows.size(), 31u);  // 2 * 4^2 packets less the 2 low-pass ones, and the header
  EXPECT_EQ(rows[0][8], "rho2");
  expect_finite(rows, 6);
  std::ifstream summary(dir_ + "/s/summary.json");
  const std::string json((std::istreambuf_iterator<char>(summary)), {});
  EXPECT_NE(json.find("\"images\": 2,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"unreadable\": 1,"), std::string::npos) << json;
  for (const std::string figure : {"discrepancy", "rmax_stability", "cmod_stability"}) {
    EXPECT_TRUE(fs::exists(dir_ + "/s/" + figure + ".gp")) << figure;
    if (report::gnuplot_available()) {
      EXPECT_TRUE(fs::exists(dir_ + "/s/" + figure + ".png")) << figure;
    }
  }
}

TEST_F(CliTest, StudyNamesWhatIsWrongWithTheFolder) {
  std::string out;
  EXPECT_EQ(wavetwin("study --images " + dir_ + "/missing --out " + dir_ + "/s", &out), 2);
  EXPECT_NE(out.find("missing: no such folder"), std::string::npos) << out;
  std::filesystem::create_directories(dir_ + "/empty");
  EXPECT_EQ(wavetwin("study --images " + dir_ + "/empty --out " + dir_ + "/s", &out), 2);
  EXPECT_NE(out.find("empty: holds no file; expected JPEG or PNG images"), std::string::npos) << out;
  std::filesystem::create_directories(dir_ + "/text");
  std::ofstream(dir_ + "/text/a.jpg") << "not a jpeg";
  EXPECT_EQ(wavetwin("study --images " + dir_ + "/text --out " + dir_ + "/s", &out), 2);
  EXPECT_NE(out.find("none of the 1 files could be read as an image"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("study --images " + dir_ + "/text --shift 0,0 --out " + dir_ + "/s", &out), 2);
  EXPECT_NE(out.find("expected a non-zero translation"), std::string::npos) << out;
}

TEST_F(CliTest, KernelsAnalysesATensorFile) {
  data::save_tensor(dir_ + "/w.pt", torch::randn({10, 3, 7, 7}));
  std::string out;
  ASSERT_EQ(wavetwin("kernels " + dir_ + "/w.pt --m 2 --out " + dir_ + "/k", &out), 0) << out;
  const auto rows = read_csv(dir_ + "/k/kernels.csv");
  ASSERT_EQ(rows.size(), 11u);
  expect_finite(rows, 1);
  const torch::Tensor analytic = data::load_tensor(dir_ + "/k/analytic.pt");
  EXPECT_TRUE(analytic.is_complex());
  EXPECT_EQ(analytic.sizes(), (std::vector<int64_t>{10, 3, 7, 7}));
  EXPECT_EQ(data::read_image(dir_ + "/k/kernels.png").size(2), 3);  // colour kernels in colour
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/k/spectra.png"));
  if (report::gnuplot_available()) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/k/frequencies.png"));
  }
  // wavetwin train's own checkpoints are read as well.
  const auto model = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
  runs::save_checkpoint(dir_ + "/last.pt", *model, sgd, {});
  ASSERT_EQ(wavetwin("kernels " + dir_ + "/last.pt --layer conv1 --out " + dir_ + "/k2", &out), 0) << out;
  EXPECT_NE(out.find("conv1.weight from"), std::string::npos) << out;
  EXPECT_EQ(read_csv(dir_ + "/k2/kernels.csv").size(), 65u);
}

TEST_F(CliTest, KernelsPicksALayerOfAStateDict) {
  WAVETWIN_REQUIRE_PYTHON("torch");
  std::string out;
  ASSERT_EQ(test::run_command(test::python() + " -c 'import torch; torch.save({\"conv1.weight\": torch.randn(6, 1, 5, 5), "
                                  "\"conv1.bias\": torch.zeros(6), \"fc.weight\": torch.randn(2, 3)}, \"" + dir_ + "/sd.pt\")'",
                              &out),
            0)
      << out;
  ASSERT_EQ(wavetwin("kernels " + dir_ + "/sd.pt --layer conv1 --out " + dir_ + "/k", &out), 0) << out;
  EXPECT_NE(out.find("conv1.weight from"), std::string::npos) << out;
  EXPECT_EQ(read_csv(dir_ + "/k/kernels.csv").size(), 7u);
  EXPECT_EQ(wavetwin("kernels " + dir_ + "/sd.pt --layer fc --out " + dir_ + "/k", &out), 2);
  EXPECT_NE(out.find("fc.weight has shape [2, 3]"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("kernels " + dir_ + "/sd.pt --layer conv9 --out " + dir_ + "/k", &out), 2);
  EXPECT_NE(out.find("no tensor named conv9; 4-D tensors: conv1.weight"), std::string::npos) << out;
}

// A folder of 3 classes x 8 small RGB images, class c brighter in channel c.
TEST_F(CliTest, ModelsListsTheZooWithParametersAndFlops) {
  std::string out;
  ASSERT_EQ(wavetwin("models", &out), 0) << out;
  EXPECT_NE(out.find("AI                 61100840    0.714  alexnet --classes 1000"), std::string::npos) << out;
  EXPECT_NE(out.find("R18C               11181642    0.037  resnet18 --classes 10"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("models R18wyC_mod --trace", &out), 0) << out;
  EXPECT_NE(out.find("trainable parameters: 11178141"), std::string::npos) << out;
  EXPECT_NE(out.find("GFLOPs (multiply-accumulates of one forward pass at 3x32x32)"), std::string::npos) << out;
  EXPECT_NE(out.find("conv1 (twin): wavelet            48x8x8"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("models R18zh3wyC_mod --tree", &out), 0) << out;
  EXPECT_NE(out.find("wavetwin::models::ResNet(resnet18 --twin cmod --antialias blur3 --classes 10)"), std::string::npos)
      << out;
  EXPECT_NE(out.find("(conv1): wavetwin::layers::TwinConv("), std::string::npos) << out;
  EXPECT_NE(out.find("wavetwin::layers::BlurPool(channels="), std::string::npos) << out;
  EXPECT_NE(out.find("wavetwin::models::ResidualBlock(basic, 64 -> 128, stride=2)"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("models resnet18 --input 3x224x224", &out), 0) << out;
  EXPECT_NE(out.find("at 3x224x224): 1.814"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("models alexnet --input 3x16x16", &out), 2) << out;
  EXPECT_NE(out.find("input 3x16x16 is too small for alexnet"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("models resnet19", &out), 2) << out;
}

TEST_F(CliTest, TrainRecordsTheRunAndRunsShowsIt) {
  test::write_image_folder(dir_ + "/tiny");
  const std::string train = "train 'resnet18 --classes 3' --data folder:" + dir_ + "/tiny --holdout 2 --epochs 2 "
                            "--batch 6 --size 16 --lr 0.02 --crop-scale 0.5 --store " + dir_ + "/runs/runs.db --name r";
  std::string out;
  ASSERT_EQ(wavetwin(train, &out), 0) << out;
  EXPECT_NE(out.find("run r: resnet18 --classes 3 on folder:"), std::string::npos) << out;
  EXPECT_NE(out.find("epoch   2"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/runs/r/last.pt"));
  EXPECT_EQ(wavetwin(train, &out), 2);  // the name is taken
  EXPECT_NE(out.find("a run named 'r' exists; expected a new name, --resume"), std::string::npos) << out;
  const std::string store = " --store " + dir_ + "/runs/runs.db";
  ASSERT_EQ(wavetwin("runs list" + store, &out), 0) << out;
  EXPECT_NE(out.find("finished"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("runs show r" + store, &out), 0) << out;
  EXPECT_NE(out.find("checkpoint last  epoch 2"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("runs export r --json" + store, &out), 0) << out;
  EXPECT_NE(out.find("\"epochs\": ["), std::string::npos) << out;
  EXPECT_NE(out.find("\"crop_scale\": 0.5"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("runs rm r" + store, &out), 0) << out;
  EXPECT_EQ(wavetwin("runs show r" + store, &out), 2);
  EXPECT_NE(out.find("no run named 'r'"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("train R18C --data cifar10:" + dir_ + "/none --store " + dir_ + "/x.db", &out), 2);
  EXPECT_NE(out.find("neither CIFAR-10 binary batches"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("train R18C --recipe fast --data folder:" + dir_ + "/tiny", &out), 2);
  EXPECT_NE(out.find("recipe 'fast': unknown"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("train R18C --crop-scale 1.5 --data folder:" + dir_ + "/tiny", &out), 2);
  EXPECT_NE(out.find("crop scale 1.5; expected 0 < scale <= 1"), std::string::npos) << out;
}

// Killed with SIGKILL, or stopped with SIGTERM, once its first checkpoint exists (and seen alive just before),
// then resumed by name alone (every setting from the store), a run ends with the weights of the same run never
// interrupted. Meanwhile the store says what happened: killed (nobody holds the run's lock) or interrupted.
TEST_F(CliTest, TrainKilledOrStoppedAndResumedEqualsUninterrupted) {
  test::write_image_folder(dir_ + "/tiny", 3, 30);
  const std::string store = " --store " + dir_ + "/runs/runs.db";
  const auto command = [&](const std::string& name) {
    return std::string(WAVETWIN_CLI_PATH) + " train 'resnet18 --twin rmax --classes 3' --data folder:" + dir_ +
           "/tiny --holdout 2 --epochs 4 --batch 6 --size 16 --lr 0.02 --seed 4" + store + " --name " + name;
  };
  std::string out;
  ASSERT_EQ(test::run_command(command("u"), &out), 0) << out;
  for (const std::string signal : {"KILL", "TERM"}) {
    const std::string name = signal == "KILL" ? "k" : "t";
    ASSERT_EQ(test::run_command(command(name) + " > " + dir_ + "/" + name + ".log 2>&1 & echo $!", &out), 0) << out;
    const std::string pid = out.substr(0, out.find_first_of("\n"));
    for (int i = 0; i < 600 && !std::filesystem::exists(dir_ + "/runs/" + name + "/last.pt"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(std::filesystem::exists(dir_ + "/runs/" + name + "/last.pt"));
    ASSERT_EQ(wavetwin("runs list" + store, &out), 0) << out;
    ASSERT_NE(out.find("running"), std::string::npos) << "the run ended before the signal\n" << out;
    ASSERT_EQ(test::run_command("kill -" + signal + " " + pid, &out), 0) << "the run ended before the signal";
    ASSERT_EQ(test::run_command("while kill -0 " + pid + " 2>/dev/null; do sleep 0.1; done; cat " + dir_ + "/" + name +
                                    ".log",
                                &out),
              0);
    if (signal == "TERM") {
      EXPECT_NE(out.find("wavetwin: stopped by SIGTERM in epoch"), std::string::npos) << out;
    }
    ASSERT_EQ(wavetwin("runs show " + name + store, &out), 0) << out;
    EXPECT_NE(out.find(signal == "KILL" ? "killed" : "interrupted"), std::string::npos) << out;
    ASSERT_EQ(test::run_command(std::string(WAVETWIN_CLI_PATH) + " train --resume --name " + name + store, &out), 0)
        << out;
    EXPECT_NE(out.find("run " + name + ": resnet18 --twin rmax --classes 3 on folder:"), std::string::npos) << out;
  }
  const auto spec = models::parse_model_spec("resnet18 --twin rmax --classes 3");
  const auto a = models::make_model(spec);
  EXPECT_EQ(runs::load_checkpoint(dir_ + "/runs/u/last.pt", *a, nullptr).epoch, 4);
  for (const std::string name : {"k", "t"}) {
    const auto b = models::make_model(spec);
    EXPECT_EQ(runs::load_checkpoint(dir_ + "/runs/" + name + "/last.pt", *b, nullptr).epoch, 4);
    const auto pb = b->named_parameters();
    for (const auto& p : a->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << name << p.key();
  }
}

// --nproc 2 trains one recorded run on two ranks (rank 1's output in the log folder) and evaluates it on two
// ranks with the scores of one process; ranks started by hand with --world-size/--rank/--master (with
// synchronised batch normalisation), or with torchrun's variables, train a run as well.
TEST_F(CliTest, TrainAndEvalOnTwoRanks) {
  test::write_image_folder(dir_ + "/tiny");
  const std::string store = " --store " + dir_ + "/runs/runs.db";
  const std::string train = "train 'resnet18 --classes 3' --data folder:" + dir_ + "/tiny --holdout 2 --epochs 2 "
                            "--batch 6 --size 16 --lr 0.02" + store;
  std::string out;
  ASSERT_EQ(wavetwin(train + " --name d --nproc 2", &out), 0) << out;
  EXPECT_NE(out.find("epoch   2"), std::string::npos) << out;
  std::ifstream log(dir_ + "/runs/logs/rank-1.log");
  const std::string rank1((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(rank1.find("rank 1 of 2: trained to epoch 2"), std::string::npos) << rank1;
  ASSERT_EQ(wavetwin("runs export d --json" + store, &out), 0) << out;
  EXPECT_NE(out.find("\"world_size\": 2"), std::string::npos) << out;

  const std::string eval = "eval d --split val --mode all --batch 40" + store;
  const auto recorded = [&] {
    runs::RunStore runs(dir_ + "/runs/runs.db");
    return runs.scores(runs.get("d").id);
  };
  ASSERT_EQ(wavetwin(eval, &out), 0) << out;
  const std::vector<runs::Score> single = recorded();
  ASSERT_EQ(wavetwin(eval + " --nproc 2", &out), 0) << out;
  const std::vector<runs::Score> shared = recorded();
  ASSERT_EQ(shared.size(), single.size());
  ASSERT_EQ(single.size(), 111u);
  for (size_t i = 0; i < single.size(); ++i) {
    // float32 scores of the same images in batches of other sizes: equal to a few units of 1e-7.
    EXPECT_NEAR(shared[i].value, single[i].value, 1e-4 * std::max(1.0, std::abs(single[i].value)))
        << runs::metric_name(single[i].metric);
    // The same images in the same order, so the same resamples: the intervals agree as the values do.
    EXPECT_EQ(shared[i].images, single[i].images) << runs::metric_name(single[i].metric);
    ASSERT_EQ(shared[i].low.has_value(), single[i].low.has_value());
    if (single[i].low) {
      EXPECT_NEAR(*shared[i].low, *single[i].low, 1e-4 * std::max(1.0, std::abs(*single[i].low)));
      EXPECT_NEAR(*shared[i].high, *single[i].high, 1e-4 * std::max(1.0, std::abs(*single[i].high)));
    }
  }

  // Two ranks started by hand: ENVIRONMENT wavetwin train ... FLAGS, each in the background.
  const auto two_ranks = [&](const std::string& name, const std::function<std::string(int)>& environment,
                             const std::function<std::string(int)>& flags) {
    std::ofstream script(dir_ + "/" + name + ".sh");
    for (int r = 0; r < 2; ++r) {
      script << environment(r) << " " << WAVETWIN_CLI_PATH << " " << train << " --name " << name << flags(r) << " > "
             << dir_ << "/" << name << r << ".log 2>&1 &\n";
    }
    script << "s=0; for p in $(jobs -p); do wait $p || s=1; done; cat " << dir_ << "/" << name << "?.log; exit $s\n";
    script.close();
    return test::run_command("bash " + dir_ + "/" + name + ".sh", &out);
  };
  const int64_t port = dist::free_port();
  EXPECT_EQ(two_ranks("h", [](int) { return std::string(); }, [&](int r) {
    return " --world-size 2 --rank " + std::to_string(r) + " --master 127.0.0.1:" + std::to_string(port) + " --sync-bn";
  }), 0) << out;
  const int64_t other = dist::free_port();
  EXPECT_EQ(two_ranks("t", [&](int r) {
    return "RANK=" + std::to_string(r) + " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(other);
  }, [](int) { return std::string(); }), 0) << out;
  runs::RunStore runs(dir_ + "/runs/runs.db");
  for (const char* name : {"h", "t"}) {
    EXPECT_EQ(runs.get(name).status, runs::RunStatus::kFinished) << name;
    EXPECT_EQ(runs.get(name).options.at("world_size"), 2) << name;
    EXPECT_EQ(runs.get(name).options.at("sync_batch_norm"), std::string(name) == "h") << name;
  }
  EXPECT_EQ(wavetwin(train + " --name x --world-size 2", &out), 2);
  EXPECT_NE(out.find("--world-size and --rank go together"), std::string::npos) << out;
  EXPECT_EQ(wavetwin(train + " --name x --nproc 2 --rank 0", &out), 2);
  EXPECT_NE(out.find("--nproc starts the ranks itself"), std::string::npos) << out;
}

// Under torchrun --max-restarts the restarted command (the same, without --resume; torchrun sets
// TORCHELASTIC_RESTART_COUNT) continues the run from its last checkpoint, or starts it afresh when the failed
// attempt left none.
TEST_F(CliTest, ARestartedTorchrunGroupContinuesTheRunByItself) {
  test::write_image_folder(dir_ + "/tiny");
  const std::string train = "train 'resnet18 --classes 3' --data folder:" + dir_ + "/tiny --holdout 2 --epochs 2 "
                            "--batch 6 --size 16 --store " + dir_ + "/runs/runs.db --name r";
  const std::string restarted = "TORCHELASTIC_RESTART_COUNT=1 " + std::string(WAVETWIN_CLI_PATH) + " " + train;
  std::string out;
  ASSERT_EQ(wavetwin(train + " --stop-after 1", &out), 0) << out;
  ASSERT_EQ(test::run_command(restarted, &out), 0) << out;
  EXPECT_NE(out.find("from epoch 2 of 2"), std::string::npos) << out;
  std::filesystem::remove_all(dir_ + "/runs/r");  // as if the first attempt died before its first checkpoint
  ASSERT_EQ(test::run_command(restarted, &out), 0) << out;
  EXPECT_NE(out.find("from epoch 1 of 2"), std::string::npos) << out;
  EXPECT_EQ(wavetwin(train, &out), 2);  // not restarted: the name is taken
}

TEST_F(CliTest, EvalRecordsScoresOnceAndReportPutsRunsBesideThePaper) {
  test::write_image_folder(dir_ + "/tiny");
  const std::string store = " --store " + dir_ + "/runs/runs.db";
  std::string out;
  for (const char* name : {"a", "b"}) {
    ASSERT_EQ(wavetwin(std::string("train 'resnet18 --classes 3' --data folder:") + dir_ + "/tiny --holdout 3 " +
                           "--epochs 2 --batch 6 --size 16 --lr 0.02 --name " + name + store, &out), 0) << out;
  }
  const std::string eval = " --split val --mode all --batch 40" + store;
  ASSERT_EQ(wavetwin("eval a" + eval, &out), 0) << out;
  EXPECT_NE(out.find("onecrop   top-1 error"), std::string::npos) << out;
  EXPECT_NE(out.find("tencrops  top-1 error"), std::string::npos) << out;
  EXPECT_NE(out.find("shifts    diagonal   mean KL"), std::string::npos) << out;
  EXPECT_NE(out.find("consistency"), std::string::npos) << out;
  EXPECT_NE(out.find("circular  vertical   mean KL"), std::string::npos) << out;
  EXPECT_NE(out.find("circular consistency"), std::string::npos) << out;
  // Every printed score with its interval: "top-1 error 66.67 % [44.44, 88.89]".
  EXPECT_TRUE(std::regex_search(out, std::regex("top-1 error [0-9.]+ % \\[[0-9.]+, [0-9.]+\\]"))) << out;
  EXPECT_NE(out.find("[low, high]: 95 % percentile bootstrap intervals"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("runs show a" + store, &out), 0) << out;
  const auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  // 4 accuracy scores, consistency, 3 x 17 KL values, 3 x 4 flip rates, 3 protocol values; circular: 3 x 9
  // KL values, 3 x 4 flip rates, consistency.
  EXPECT_EQ(count(out, " score "), 4u + 1 + 51 + 12 + 3 + 27 + 12 + 1) << out;
  ASSERT_EQ(wavetwin("eval a --split val --mode onecrop --batch 40" + store, &out), 0) << out;  // replaces
  ASSERT_EQ(wavetwin("runs show a" + store, &out), 0) << out;
  EXPECT_EQ(count(out, " score "), 111u);
  ASSERT_EQ(wavetwin("eval b --split val --mode shifts --mode onecrop --pixel-divide 1 --max-shift 4" + store, &out), 0)
      << out;
  ASSERT_EQ(wavetwin("eval b --mode onecrop" + store, &out), 2);  // the folder has no test part
  EXPECT_NE(out.find("no test part; expected --split val"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("eval nothing" + store, &out), 2);
  EXPECT_NE(out.find("nothing: neither a run in"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("eval a --checkpoint epoch-7" + store, &out), 2);
  EXPECT_NE(out.find("has no such checkpoint; expected one of best, last"), std::string::npos) << out;
  EXPECT_EQ(wavetwin("eval a --mode fast" + store, &out), 2);
  EXPECT_NE(out.find("--mode fast: unknown"), std::string::npos) << out;
  // A checkpoint file outside the store needs its model.
  std::filesystem::copy_file(dir_ + "/runs/a/last.pt", dir_ + "/loose.pt");
  EXPECT_EQ(wavetwin("eval " + dir_ + "/loose.pt --data folder:" + dir_ + "/tiny" + store, &out), 2);
  EXPECT_NE(out.find("expected --model SPEC too"), std::string::npos) << out;
  ASSERT_EQ(wavetwin("eval " + dir_ + "/loose.pt --model 'resnet18 --classes 3' --size 16 --holdout 3 --split val --mode onecrop "
                     "--data folder:" + dir_ + "/tiny" + store, &out), 0) << out;
  EXPECT_EQ(out.find("scores recorded"), std::string::npos) << out;

  {
    // Known flip rates (runs this small rarely change their minds): b flips half as often as a vertically,
    // as often otherwise, so its mFR is 100 (0.5 + 1 + 1) / 3.
    runs::RunStore store(dir_ + "/runs/runs.db");
    for (const char* name : {"a", "b"}) {
      const auto run = store.get(name);
      std::string best;
      for (const auto& c : store.checkpoints(run.id)) best = c.kind == runs::CheckpointKind::kBest ? c.path : best;
      for (const auto direction : {data::ShiftDirection::kVertical, data::ShiftDirection::kHorizontal,
                                   data::ShiftDirection::kDiagonal}) {
        const double rate = std::string(name) == "b" && direction == data::ShiftDirection::kVertical ? 0.1 : 0.2;
        for (int64_t step = 1; step <= 4; ++step) {
          store.put_scores(run.id, {{best, runs::Split::kVal, runs::Metric::kFlipRate, direction, step, rate}});
        }
      }
    }
    // A score that could not be computed: JSON has no NaN, so every file must say null.
    const auto b = store.get("b");
    store.put_scores(b.id, {{store.checkpoints(b.id).front().path, runs::Split::kVal, runs::Metric::kConsistency, {},
                             {}, std::nan("")}});
  }
  const std::string report = dir_ + "/report";
  ASSERT_EQ(wavetwin("report a b --split val --paper cifar10 --out " + report + store, &out), 0) << out;
  EXPECT_NE(out.find("| R18wyC_mod "), std::string::npos) << out;
  for (const char* file : {"report.md", "results.csv", "results.json", "training.gp", "kl.gp", "flip_rate.gp"}) {
    EXPECT_TRUE(std::filesystem::exists(report + "/" + file)) << file;
  }
  const auto rows = read_csv(report + "/results.csv");
  ASSERT_EQ(rows.size(), 1u + 2 + 18);  // header, a, b, the paper's 18 CIFAR-10 rows (ResNet-18 and -34 families)
  EXPECT_EQ(rows[1][0], "a");
  EXPECT_EQ(rows[1][6], "100");   // the reference run
  EXPECT_EQ(rows[2][6], "83.3");
  EXPECT_NE(rows[2][2], "-");     // b was evaluated with one crop
  EXPECT_EQ(rows[2][4], "-");     // but not with ten crops
  std::ifstream json(report + "/results.json");
  const std::string text((std::istreambuf_iterator<char>(json)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"mfr_reference\": \"a\""), std::string::npos) << text;
  // b against a on the same validation images: the one-crop error's paired difference and McNemar's p.
  EXPECT_NE(text.find("\"metric\": \"onecrop_top1\""), std::string::npos) << text;
  std::ifstream markdown(report + "/report.md");
  const std::string md((std::istreambuf_iterator<char>(markdown)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("Differences from a"), std::string::npos) << md;
  EXPECT_NE(md.find("(p = "), std::string::npos) << md;
  // Every JSON file the commands wrote parses with Python's json, which rejects NaN here.
  ASSERT_EQ(wavetwin("runs export b --json" + store + " > " + dir_ + "/b.json", &out), 0) << out;
  if (test::python_has({"json"})) {
    const std::string strict = test::python() + " -c \"import json, sys; json.load(open(sys.argv[1]), "
                               "parse_constant=lambda c: 1 / 0)\" ";
    EXPECT_EQ(test::run_command(strict + report + "/results.json", &out), 0) << out;
    EXPECT_EQ(test::run_command(strict + dir_ + "/b.json", &out), 0) << out;
    EXPECT_EQ(test::run_command(test::python() + " -c \"import json; d = json.load(open('" + dir_ + "/b.json')); "
                                "assert None in [s['value'] for s in d['scores']]\"", &out), 0) << out;
  }
  EXPECT_EQ(wavetwin("report a --paper mnist --out " + report + store, &out), 2);
  EXPECT_NE(out.find("--paper mnist: unknown"), std::string::npos) << out;
  // Claims from a file, checked on the runs' validation images, then again from the report's results.json.
  std::ofstream(dir_ + "/claims.json") << R"([{"statement": "b errs less", "run": "b", "baseline": "a",
                                                "metric": "onecrop_top1", "claimed": "lower"}])";
  ASSERT_EQ(wavetwin("report b --split val --claims " + dir_ + "/claims.json --out " + dir_ + "/claimed" + store, &out), 0)
      << out;
  EXPECT_NE(out.find("| b errs less "), std::string::npos) << out;
  EXPECT_NE(out.find("\nClaims: supports "), std::string::npos) << out;
  ASSERT_EQ(wavetwin("report a --split val --claims " + dir_ + "/claimed/results.json --out " + dir_ + "/again" + store,
                     &out), 0) << out;
  EXPECT_NE(out.find("| b errs less "), std::string::npos) << out;
  std::ofstream(dir_ + "/claims.json") << R"([{"statement": "b errs less", "run": "b", "baseline": "a",
                                                "metric": "error", "claimed": "lower"}])";
  EXPECT_EQ(wavetwin("report b --split val --claims " + dir_ + "/claims.json --out " + dir_ + "/claimed" + store, &out), 2);
  EXPECT_NE(out.find("claims.json, claim 1: metric 'error': unknown"), std::string::npos) << out;
  std::ifstream kept(dir_ + "/claimed/report.md");  // the refused call wrote nothing over it
  EXPECT_NE(std::string(std::istreambuf_iterator<char>(kept), {}).find("| b errs less "), std::string::npos);
}

TEST_F(CliTest, DemoRunsEndToEndOnATinyBudget) {
  if (!std::filesystem::exists(std::string(data::kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << data::kFashionMnistDir << " missing (install dataset-fashion-mnist: scripts/setup.sh)";
  }
  std::string out;
  ASSERT_EQ(wavetwin("demo --budget 0.2 --epochs 1 --out " + dir_ + "/demo --cache " + dir_ + "/cache", &out), 0)
      << out;
  for (const char* model : {"R18", "R18wy", "R18wy_mod", "R18zh3", "R18zh3wy_mod", "R18aps3", "R18aps3wy_mod"}) {
    EXPECT_NE(out.find(std::string("== evaluate ") + model), std::string::npos) << model;
  }
  for (const char* file : {"report/report.md", "report/results.csv", "theory/gamma.csv", "runs/wavetwin.db"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/demo/" + file)) << file;
  }
  if (std::filesystem::exists("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/demo/study/study.csv")) << out;  // on python3-skimage's photographs
  }
  const auto rows = read_csv(dir_ + "/demo/report/results.csv");
  ASSERT_EQ(rows.size(), 8u);
  // mFR normalised to the standard ResNet-18, unless a model this briefly trained never changes its mind.
  EXPECT_TRUE(rows[1][6].rfind("100", 0) == 0 || out.find("the reference never flips") != std::string::npos) << out;
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_NE(rows[i][2], "-") << rows[i][0];
  EXPECT_NE(out.find("demo: done in"), std::string::npos) << out;
}

}  // namespace
}  // namespace wavetwin
