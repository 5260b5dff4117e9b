// tests/eval/audit_test.cpp: the audit of a classifier over a stream of batches equals each protocol run once
// over all the images (so batching changes nothing, the consistency draws included); uint8 and [0, 1] float
// batches give the same scores; bad batches and options are named.
#include "wavetwin/eval/audit.h"

#include <torch/torch.h>

#include "support/support.h"
#include "wavetwin/eval/shift_eval.h"

namespace wavetwin::eval {
namespace {

class AuditTest : public test::Seeded {
 protected:
  void SetUp() override {
    test::Seeded::SetUp();
    images_ = torch::randint(0, 256, {7, 21, 19, 3}, torch::kUInt8);
    labels_ = torch::tensor({0, 1, 2, 3, 0, 1, 2}, torch::kInt64);
    dataset_ = std::make_shared<data::TensorDataset>(images_, labels_, std::vector<std::string>(4), "t");
    // A fixed random linear classifier: far from shift-invariant, so every score is informative.
    weights_ = torch::randn({3 * 16 * 16, 4}, torch::kFloat32);
  }
  Classifier classifier() {
    return Classifier([this](const torch::Tensor& x) {
      ++calls_;
      return x.flatten(1).mm(weights_);
    });
  }
  torch::Tensor images_, labels_, weights_;
  std::shared_ptr<data::TensorDataset> dataset_;
  int calls_ = 0;
};

TEST_F(AuditTest, BatchAfterBatchEqualsEachProtocolOverAllImages) {
  AuditOptions o;
  o.size = 16, o.max_shift = 3, o.max_step = 2, o.seed = 5, o.batch = 9;
  o.directions = {data::ShiftDirection::kHorizontal, data::ShiftDirection::kDiagonal};
  Audit audit(o);
  const torch::Tensor nchw = images_.permute({0, 3, 1, 2});
  audit.add(classifier(), nchw.narrow(0, 0, 3), labels_.narrow(0, 0, 3));
  audit.add(classifier(), nchw.narrow(0, 3, 1).to(torch::kFloat64) / 255, labels_.narrow(0, 3, 1).to(torch::kInt32));
  audit.add(classifier(), nchw.narrow(0, 4, 3).to(torch::kFloat32) / 255, labels_.narrow(0, 4, 3));
  const AuditResult r = audit.result();
  EXPECT_EQ(r.images, 7);

  PredictOptions predict;
  CropOptions crop;
  crop.size = 16;
  const TopK one = evaluate_onecrop(classifier(), *dataset_, crop, predict);
  const TopK ten = evaluate_tencrops(classifier(), *dataset_, crop, predict);
  ASSERT_TRUE(r.onecrop && r.tencrops);
  EXPECT_DOUBLE_EQ(r.onecrop->top1, one.top1);
  EXPECT_DOUBLE_EQ(r.onecrop->top5, one.top5);
  EXPECT_DOUBLE_EQ(r.tencrops->top1, ten.top1);
  EXPECT_DOUBLE_EQ(r.tencrops->top5, ten.top5);

  ShiftOptions shift;
  shift.size = 16, shift.max_shift = 3, shift.max_step = 2, shift.directions = o.directions;
  shift.pixel_divide = 2;
  const ShiftScores kl = evaluate_shifts(classifier(), *dataset_, shift, predict);
  shift.pixel_divide = 1;
  const ShiftScores fr = evaluate_shifts(classifier(), *dataset_, shift, predict);
  EXPECT_EQ(r.kl_pixel_divide, 2);
  EXPECT_EQ(r.flip_rate_pixel_divide, 1);
  ASSERT_EQ(r.kl.size(), 2u);
  double largest_rate = 0;
  for (const auto& [name, values] : kl.kl) {
    ASSERT_EQ(r.kl.at(name).size(), 7u);  // p M + 1 frames
    // Means of per-batch means weighted by their images: equal up to the rounding of a few additions.
    for (size_t k = 0; k < values.size(); ++k) EXPECT_NEAR(r.kl.at(name)[k], values[k], 1e-12 * (1 + values[k]));
    const auto& rates = fr.flip_rates.at(name);
    ASSERT_EQ(r.flip_rates.at(name).size(), 2u);
    for (size_t s = 0; s < rates.size(); ++s) {
      EXPECT_NEAR(r.flip_rates.at(name)[s], rates[s], 1e-12);
      largest_rate = std::max(largest_rate, rates[s]);
    }
  }
  EXPECT_GT(largest_rate, 0);  // the comparison is not between zeros
  ASSERT_EQ(r.shifts.size(), 2u);
  EXPECT_NEAR(r.shifts[0].mean_flip_rate, (fr.flip_rates.at("diagonal")[0] + fr.flip_rates.at("diagonal")[1]) / 2,
              1e-12);

  ConsistencyOptions c;
  c.size = 16, c.seed = 5;
  ASSERT_TRUE(r.consistency);
  EXPECT_NEAR(*r.consistency, evaluate_consistency(classifier(), *dataset_, c, predict).consistency, 1e-12);

  CircularOptions circular;
  circular.size = 16, circular.max_shift = 3, circular.max_step = 2, circular.directions = o.directions;
  circular.seed = 5;
  const CircularScores rolled = evaluate_circular(classifier(), *dataset_, circular, predict);
  ASSERT_EQ(r.circular_kl.size(), 2u);
  for (const auto& [name, values] : rolled.kl) {
    ASSERT_EQ(r.circular_kl.at(name).size(), 4u);
    for (size_t k = 0; k < values.size(); ++k) EXPECT_NEAR(r.circular_kl.at(name)[k], values[k], 1e-12 * (1 + values[k]));
    for (size_t s = 0; s < 2; ++s) EXPECT_NEAR(r.circular_flip_rates.at(name)[s], rolled.flip_rates.at(name)[s], 1e-12);
  }
  ASSERT_EQ(r.circular_shifts.size(), 2u);
  ASSERT_TRUE(r.circular_consistency);
  EXPECT_NEAR(*r.circular_consistency, rolled.consistency, 1e-12);
}

TEST_F(AuditTest, ConsistencyDrawsFollowThePositionInTheStream) {
  AuditOptions o;
  o.size = 16, o.protocols = {Protocol::kConsistency};
  // Seven copies of one image: the score depends only on the draws, which must differ from image to image.
  const torch::Tensor same = images_.narrow(0, 0, 1).expand({7, -1, -1, -1}).contiguous();
  const data::TensorDataset copies(same, labels_, std::vector<std::string>(4), "copies");
  ConsistencyOptions c;
  c.size = 16;
  const double whole = evaluate_consistency(classifier(), copies, c, {}).consistency;
  Audit audit(o);
  for (int64_t i = 0; i < 7; ++i) audit.add(classifier(), same.narrow(0, i, 1).permute({0, 3, 1, 2}), labels_.narrow(0, i, 1));
  EXPECT_NEAR(*audit.result().consistency, whole, 1e-12);
  EXPECT_GT(whole, 0);
  EXPECT_LT(whole, 100);  // the draws vary, or every batch would score the same
}

TEST_F(AuditTest, ImagesOfDifferentSizesScoreAsEachAlone) {
  AuditOptions o;
  o.size = 16, o.protocols = {Protocol::kOnecrop, Protocol::kShifts}, o.max_shift = 2, o.max_step = 1;
  const torch::Tensor a = images_[0].permute({2, 0, 1}), b = images_[1].permute({2, 0, 1}).narrow(1, 2, 17);
  Audit together(o), apart(o);
  together.add(classifier(), std::vector<torch::Tensor>{a, b}, labels_.narrow(0, 0, 2));
  apart.add(classifier(), a.unsqueeze(0), labels_.narrow(0, 0, 1));
  apart.add(classifier(), b.unsqueeze(0), labels_.narrow(0, 1, 1));
  const AuditResult t = together.result(), s = apart.result();
  EXPECT_EQ(t.images, 2);
  EXPECT_DOUBLE_EQ(t.onecrop->top1, s.onecrop->top1);
  for (const auto& [name, values] : s.kl) {
    for (size_t k = 0; k < values.size(); ++k) EXPECT_NEAR(t.kl.at(name)[k], values[k], 1e-12 * (1 + values[k]));
  }
  EXPECT_EQ(t.flip_rates, s.flip_rates);
}

TEST_F(AuditTest, BadBatchesAndOptionsAreNamed) {
  AuditOptions o;
  o.size = 16, o.protocols = {Protocol::kOnecrop};
  Audit audit(o);
  const torch::Tensor nchw = images_.permute({0, 3, 1, 2});
  EXPECT_THROW_WITH(audit.result(), "no batch was scored");
  EXPECT_THROW_WITH(audit.add(classifier(), images_, labels_), "expected (C, H, W) with C 1 or 3");
  EXPECT_THROW_WITH(audit.add(classifier(), images_[0], labels_), "expected (N, C, H, W)");
  EXPECT_THROW_WITH(audit.add(classifier(), nchw.to(torch::kFloat32), labels_), "image values in [0, 255]");
  EXPECT_THROW_WITH(audit.add(classifier(), nchw.to(torch::kFloat32).fill_(NAN), labels_), "expected [0, 1]");
  EXPECT_THROW_WITH(audit.add(classifier(), nchw, labels_.narrow(0, 0, 6)), "for 7 images; expected integer");
  EXPECT_THROW_WITH(audit.add(classifier(), nchw, labels_ - 1), "a negative label");
  const Classifier flat([](const torch::Tensor& x) { return x.flatten(); });
  EXPECT_THROW_WITH(audit.add(flat, nchw, labels_), "expected (");
  AuditOptions none = o;
  none.protocols = {};
  EXPECT_THROW_WITH(Audit{none}, "no protocol");
  AuditOptions norm = o;
  norm.mean = {0.5};
  EXPECT_THROW_WITH(Audit{norm}, "1 means and 0 standard deviations");
}

}  // namespace
}  // namespace wavetwin::eval
