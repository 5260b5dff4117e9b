// tests/eval/shift_metrics_test.cpp: flip rates, mFR, KL and consistency on hand-computed cases, and the
// papers' normalised mFR reproduced from the raw flip rates of reference-scores.json.
#include "wavetwin/eval/shift_metrics.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/support.h"

namespace wavetwin::eval {
namespace {

TEST(ShiftMetricsTest, FlipRatesOfHandMadePredictions) {
  // Image 0 flips on every frame (a b a b ...), image 1 never.
  const torch::Tensor predictions = torch::tensor({0, 1, 0, 1, 0, 1, 0, 1, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3}).view({2, 9});
  const auto rates = flip_rates(predictions, 4);
  ASSERT_EQ(rates.size(), 4u);
  EXPECT_DOUBLE_EQ(rates[0], 0.5);  // image 0 always differs at odd steps, image 1 never
  EXPECT_DOUBLE_EQ(rates[1], 0.0);
  EXPECT_DOUBLE_EQ(rates[2], 0.5);
  EXPECT_DOUBLE_EQ(rates[3], 0.0);
  // One flip from 0 to 1 at frame 4 of 9: FR_s = s / (9 - s) for s <= 4.
  const torch::Tensor step = torch::tensor({0, 0, 0, 0, 1, 1, 1, 1, 1}).view({1, 9});
  const auto once = flip_rates(step, 8);
  for (int s = 1; s <= 4; ++s) EXPECT_NEAR(once[s - 1], static_cast<double>(s) / (9 - s), 1e-15) << s;
  EXPECT_DOUBLE_EQ(once[7], 1.0);  // frames 0 and 8
  EXPECT_THROW_WITH(flip_rates(step, 9), "max step 9 for 9 frames");
  // Per image: image 0 flips on all 8 - s + 1 pairs at odd steps, image 1 on none.
  const torch::Tensor per_image = image_flip_rates(predictions, 4);
  EXPECT_TRUE(torch::equal(per_image, torch::tensor({1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0}, torch::kFloat64).view({2, 4})));
  const torch::Tensor single = image_flip_rates(step, 8);
  for (int s = 1; s <= 8; ++s) EXPECT_DOUBLE_EQ(single[0][s - 1].item<double>(), once[s - 1]) << s;
  EXPECT_THROW_WITH(image_flip_rates(step, 9), "max step 9 for 9 frames");
  EXPECT_THROW_WITH(flip_rates(torch::rand({2, 9}), 2), "expected (N, K) class indices");
}

TEST(ShiftMetricsTest, NormalisedMfrIsAMeanOfRatios) {
  const DirectionalFlipRates reference = {{"vertical", {0.2, 0.4}}, {"horizontal", {0.1, 0.1}}};
  const DirectionalFlipRates model = {{"vertical", {0.15, 0.3}}, {"horizontal", {0.1, 0.1}}};
  EXPECT_NEAR(normalized_mfr(model, reference), 100 * (0.75 + 1.0) / 2, 1e-12);
  EXPECT_NEAR(normalized_mfr(reference, reference), 100, 1e-12);
  EXPECT_THROW_WITH(normalized_mfr({{"vertical", {0.1}}, {"diagonal", {0.1}}}, reference), "direction diagonal missing");
  EXPECT_THROW_WITH(normalized_mfr({{"vertical", {0.1}}, {"horizontal", {0.1}}}, reference), "1 steps for horizontal");
  EXPECT_THROW_WITH(normalized_mfr(model, {{"vertical", {0, 0}}, {"horizontal", {0.1, 0.1}}}), "never flips");
}

TEST(ShiftMetricsTest, KlOfKnownSoftmaxes) {
  // Frame 0: p = (1/2, 1/2); frame 1: q = (1/4, 3/4) (logits log 1, log 3); frame 2 = frame 0.
  const double l3 = std::log(3.0);
  const torch::Tensor logits = torch::tensor({0.0, 0.0, 0.0, l3, 5.0, 5.0}, torch::kFloat64).view({1, 3, 2});
  const auto kl = kl_per_shift(logits);
  ASSERT_EQ(kl.size(), 3u);
  EXPECT_NEAR(kl[0], 0, 1e-15);
  EXPECT_NEAR(kl[1], 0.5 * std::log(0.5 / 0.25) + 0.5 * std::log(0.5 / 0.75), 1e-14);
  EXPECT_NEAR(kl[2], 0, 1e-15);
  // Confident logits stay finite with log-softmax.
  const auto sharp = kl_per_shift(torch::tensor({1000.0f, 0.0f, 0.0f, 1000.0f}).view({1, 2, 2}));
  EXPECT_NEAR(sharp[1], 1000.0, 1e-3);
  // Per image: two images, the second with frames swapped (KL(q || p) at frame 1); the mean is kl_per_shift.
  const torch::Tensor two = torch::cat({logits, logits.index_select(1, torch::tensor({1, 0, 2}))});
  const torch::Tensor per_image = image_kl(two);
  ASSERT_EQ(per_image.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_NEAR(per_image[0][1].item<double>(), kl[1], 1e-14);
  EXPECT_NEAR(per_image[1][1].item<double>(), 0.25 * std::log(0.25 / 0.5) + 0.75 * std::log(0.75 / 0.5), 1e-14);
  EXPECT_NEAR(per_image[1][2].item<double>(), per_image[1][1].item<double>(), 1e-14);
  const auto means = kl_per_shift(two);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(means[k], per_image.select(1, k).mean().item<double>(), 1e-15);
}

TEST(ShiftMetricsTest, ConsistencyIsThePercentageOfAgreement) {
  EXPECT_DOUBLE_EQ(consistency(torch::tensor({1, 2, 3, 4}), torch::tensor({1, 2, 0, 4})), 75.0);
  EXPECT_DOUBLE_EQ(consistency(torch::tensor({7}), torch::tensor({7})), 100.0);
  EXPECT_THROW_WITH(consistency(torch::tensor({1, 2}), torch::tensor({1})), "expected two (N) vectors");
}

// The papers' Tables I and II: every model's mFR from its raw per-step flip rates, normalised to AI (ImageNet)
// or R18C (CIFAR-10), equals the stored mFR_paper.
TEST(ShiftMetricsTest, ReproducesThePapersMfrFromRawFlipRates) {
  const std::string scores = test::shared_dir() + "/docs/reference-scores.json";
  if (test::shared_dir().empty() || !std::filesystem::exists(scores)) GTEST_SKIP() << "needs " << scores;
  WAVETWIN_REQUIRE_PYTHON("json");
  // One line per model and direction: name, dataset, stored mFR, then the flip rates.
  const std::string script =
      "import json, sys\n"
      "m = json.load(open(sys.argv[1]))['models']\n"
      "for name, v in m.items():\n"
      "    if 'mFR_paper' not in v: continue\n"
      "    for d, r in v['shifts']['test']['mfr_steps'].items():\n"
      "        print(name, v['ds_name'], v['mFR_paper'], d, *r)\n";
  const std::string dir = test::temp_dir();
  {
    std::ofstream(dir + "/extract.py") << script;
  }
  std::string out;
  ASSERT_EQ(test::run_command(test::python() + " " + dir + "/extract.py " + scores, &out), 0) << out;
  std::map<std::string, DirectionalFlipRates> rates;
  std::map<std::string, std::pair<std::string, double>> stored;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name, dataset, direction;
    double mfr = 0;
    fields >> name >> dataset >> mfr >> direction;
    for (double v; fields >> v;) rates[name][direction].push_back(v);
    stored[name] = {dataset, mfr};
  }
  ASSERT_TRUE(rates.count("AI") && rates.count("R18C"));
  int checked = 0;
  for (const auto& [name, model] : rates) {
    const DirectionalFlipRates& reference = rates.at(stored[name].first == "ImageNet" ? "AI" : "R18C");
    EXPECT_NEAR(normalized_mfr(model, reference), stored[name].second, 1e-4) << name;
    ++checked;
  }
  EXPECT_GE(checked, 30);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wavetwin::eval
