// tests/eval/shift_eval_test.cpp: KL and flip rates on shifted windows against the windows scored by hand;
// a shift-invariant model scores KL 0, flip rate 0 and consistency 100; the reference's unnormalised quirk.
#include "wavetwin/eval/shift_eval.h"

#include <torch/torch.h>

#include "support/support.h"

namespace wavetwin::eval {
namespace {

// Logits from the mean of each channel: invariant to any shift of a constant image, sensitive to content.
class MeanModel : public models::Model {
 public:
  MeanModel() : models::Model(spec()) {}
  static models::ModelSpec spec() {
    models::ModelSpec s = models::parse_model_spec("resnet18 --classes 3");
    return s;
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    ++calls;
    const torch::Tensor m = x.mean({2, 3});  // (N, 3)
    return torch::stack({m.select(1, 0) * 7, m.select(1, 1) * 7, m.select(1, 2) * 7}, 1);
  }
  torch::Tensor forward_traced(const torch::Tensor& x, std::vector<models::TraceStep>&) override { return forward(x); }
  int calls = 0;
};

class ShiftEvalTest : public test::Seeded {
 protected:
  void SetUp() override {
    test::Seeded::SetUp();
    images_ = torch::randint(0, 256, {5, 30, 27, 3}, torch::kUInt8);
    dataset_ = std::make_shared<data::TensorDataset>(images_, torch::tensor({0, 1, 2, 0, 1}),
                                                     std::vector<std::string>{"a", "b", "c"}, "t");
  }
  torch::Tensor images_;
  std::shared_ptr<data::TensorDataset> dataset_;
  MeanModel model_;
};

TEST_F(ShiftEvalTest, KlAndFlipRatesAreThoseOfTheWindowsScoredByHand) {
  ShiftOptions shifts;
  shifts.size = 16, shifts.max_shift = 4, shifts.pixel_divide = 2, shifts.max_step = 3;
  shifts.directions = {data::ShiftDirection::kVertical, data::ShiftDirection::kDiagonal};
  const auto t = data::default_transform(false, 16, 3);
  for (const bool quirks : {false, true}) {
    shifts.reference_quirks = quirks;
    PredictOptions options;
    options.batch = 20;  // fewer inputs than one image's 18 windows x 2 directions: one image per chunk
    const ShiftScores scores = evaluate_shifts(model_, *dataset_, shifts, options);
    EXPECT_EQ(scores.images, 5);
    ASSERT_EQ(scores.kl.size(), 2u);
    for (const auto direction : shifts.directions) {
      const std::string name = data::shift_direction_name(direction);
      std::vector<torch::Tensor> logits;
      for (int64_t i = 0; i < 5; ++i) {
        std::vector<torch::Tensor> views;
        for (const auto& w : data::shifted_windows(images_[i], 16, 4, 2, direction)) {
          views.push_back(quirks ? data::normalize(w, {0.0}, {1.0}) : data::normalize(w, t.mean, t.std));
        }
        logits.push_back(model_.forward(torch::stack(views)));
      }
      const torch::Tensor all = torch::stack(logits);  // (5, 9, 3)
      const auto kl = kl_per_shift(all);
      ASSERT_EQ(scores.kl.at(name).size(), 9u);
      for (size_t k = 0; k < kl.size(); ++k) EXPECT_NEAR(scores.kl.at(name)[k], kl[k], 1e-7) << name << " " << k;
      EXPECT_EQ(scores.kl.at(name)[0], 0);
      EXPECT_EQ(scores.flip_rates.at(name), flip_rates(all.argmax(2), 3)) << name;
    }
  }
  shifts.max_step = 9;
  EXPECT_THROW_WITH(evaluate_shifts(model_, *dataset_, shifts, {}), "max step 9 for 9 frames");
  shifts.max_step = 0;
  EXPECT_EQ(default_max_step(224), 8);
  EXPECT_EQ(default_max_step(32), 4);
  shifts.directions.clear();
  EXPECT_THROW_WITH(evaluate_shifts(model_, *dataset_, shifts, {}), "no direction");
}

TEST_F(ShiftEvalTest, AShiftInvariantModelNeverFlipsAndAlwaysAgrees) {
  // Constant images: every window and crop is the same picture.
  const torch::Tensor flat = torch::arange(5, torch::kUInt8).mul(40).view({5, 1, 1, 1}).expand({5, 30, 27, 3}).contiguous();
  const data::TensorDataset dataset(flat, torch::tensor({0, 1, 2, 0, 1}), {"a", "b", "c"}, "flat");
  ShiftOptions shifts;
  shifts.size = 16;
  const ShiftScores scores = evaluate_shifts(model_, dataset, shifts, {});
  for (const auto& [direction, kl] : scores.kl) {
    for (const double v : kl) EXPECT_NEAR(v, 0, 1e-9) << direction;
    for (const double fr : scores.flip_rates.at(direction)) EXPECT_EQ(fr, 0) << direction;
    EXPECT_EQ(scores.flip_rates.at(direction).size(), 4u);  // the CIFAR-sized default S
  }
  ConsistencyOptions c;
  c.size = 16;
  EXPECT_DOUBLE_EQ(evaluate_consistency(model_, dataset, c, {}), 100);
}

TEST_F(ShiftEvalTest, ConsistencyDependsOnlyOnTheSeed) {
  ConsistencyOptions c;
  c.size = 16, c.resize = 24, c.seed = 3;
  PredictOptions one, many;
  one.batch = 2, many.batch = 100;
  const double a = evaluate_consistency(model_, *dataset_, c, one);
  EXPECT_DOUBLE_EQ(a, evaluate_consistency(model_, *dataset_, c, many));
  EXPECT_GE(a, 0);
  EXPECT_LE(a, 100);
  c.resize = 16;
  EXPECT_THROW_WITH(evaluate_consistency(model_, *dataset_, c, {}), "resize 16 for crops of 16");
}

}  // namespace
}  // namespace wavetwin::eval
