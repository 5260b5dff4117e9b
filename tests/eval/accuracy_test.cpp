// tests/eval/accuracy_test.cpp: top-k counting on hand-made scores; one-crop and ten-crop evaluation against
// the crops made and scored by hand; chunking and subsets do not change the result.
#include "wavetwin/eval/accuracy.h"

#include <torch/torch.h>

#include "support/support.h"
#include "wavetwin/data/transforms.h"

namespace wavetwin::eval {
namespace {

TEST(AccuracyTest, TopKCountsLabelsAmongTheHighestScores) {
  // Six classes; label ranks: 1st, 2nd, 6th.
  const torch::Tensor scores = torch::tensor({{0.9, 0.1, 0.0, 0.0, 0.0, 0.0},
                                              {0.1, 0.5, 0.4, 0.0, 0.0, 0.0},
                                              {0.6, 0.5, 0.4, 0.3, 0.2, 0.1}});
  TopKCounter counter;
  counter.add(scores, torch::tensor({0, 2, 5}));
  const TopK e = counter.result();
  EXPECT_NEAR(e.top1, 100.0 * 2 / 3, 1e-12);
  EXPECT_NEAR(e.top5, 100.0 * 1 / 3, 1e-12);
  EXPECT_EQ(e.images, 3);
  // Fewer than five classes: top-5 is always right.
  TopKCounter three;
  three.add(torch::tensor({{0.2, 0.5, 0.3}}), torch::tensor({0}));
  EXPECT_DOUBLE_EQ(three.result().top1, 100);
  EXPECT_DOUBLE_EQ(three.result().top5, 0);
  EXPECT_THROW_WITH(TopKCounter().result(), "no image was scored");
  EXPECT_THROW_WITH(counter.add(scores, torch::tensor({0, 1})), "expected (N, classes) and (N)");
}

TEST(AccuracyTest, DefaultTenCropResizeIsTheReferences) {
  EXPECT_EQ(default_tencrop_resize(224), 256);
  EXPECT_EQ(default_tencrop_resize(32), 36);
}

class EvalModelTest : public test::Seeded {
 protected:
  void SetUp() override {
    test::Seeded::SetUp();
    models::ModelSpec spec = models::parse_model_spec("resnet18 --classes 4");
    spec.in_channels = 3;
    model_ = models::make_model(spec);
    model_->eval();
    // 7 RGB images of odd, non-square sizes.
    images_ = torch::randint(0, 256, {7, 21, 19, 3}, torch::kUInt8);
    dataset_ = std::make_shared<data::TensorDataset>(images_, torch::tensor({0, 1, 2, 3, 0, 1, 2}),
                                                     std::vector<std::string>{"a", "b", "c", "d"}, "t");
  }

  // The model's logits on hand-prepared inputs (V, C, n, n).
  torch::Tensor logits(const torch::Tensor& views) {
    torch::NoGradGuard no_grad;
    return model_->forward(views);
  }

  std::shared_ptr<models::Model> model_;
  torch::Tensor images_;
  std::shared_ptr<data::TensorDataset> dataset_;
};

TEST_F(EvalModelTest, OneCropAndTenCropsScoreTheCropsMadeByHand) {
  const auto t = data::default_transform(false, 16, 3);
  TopKCounter one, ten;
  std::vector<double> wrong1;  // per image, 100 when its top-1 is not its label
  for (int64_t i = 0; i < 7; ++i) {
    const torch::Tensor centre = data::normalize(data::center_crop(data::resize_shorter(images_[i], 16), 16, 16),
                                                 t.mean, t.std);
    const torch::Tensor scores = logits(centre.unsqueeze(0));
    one.add(scores, dataset_->labels().narrow(0, i, 1));
    wrong1.push_back(scores.argmax(1).item<int64_t>() == dataset_->labels()[i].item<int64_t>() ? 0 : 100);
    std::vector<torch::Tensor> crops;
    for (const auto& c : data::ten_crops(images_[i], 20, 16)) crops.push_back(data::normalize(c, t.mean, t.std));
    ten.add(torch::softmax(logits(torch::stack(crops)), 1).mean(0, true), dataset_->labels().narrow(0, i, 1));
  }
  CropOptions crop;
  crop.size = 16;
  for (const int64_t batch : {1, 3, 64}) {
    PredictOptions options;
    options.batch = batch;  // one image per chunk (batch below the views), several, all at once
    const TopK a = evaluate_onecrop(*model_, *dataset_, crop, options);
    EXPECT_DOUBLE_EQ(a.top1, one.result().top1) << batch;
    EXPECT_DOUBLE_EQ(a.top5, one.result().top5) << batch;
    EXPECT_EQ(a.images, 7);
    EXPECT_TRUE(torch::equal(a.indices, torch::arange(7)));
    EXPECT_TRUE(torch::equal(a.wrong.select(1, 0), torch::tensor(wrong1, torch::kFloat64))) << batch;
    EXPECT_NEAR(a.wrong.mean(0)[1].item<double>(), a.top5, 1e-12);
    const TopK b = evaluate_tencrops(*model_, *dataset_, crop, options);
    EXPECT_DOUBLE_EQ(b.top1, ten.result().top1) << batch;
    EXPECT_DOUBLE_EQ(b.top5, ten.result().top5) << batch;
    EXPECT_NEAR(b.wrong.mean(0)[0].item<double>(), b.top1, 1e-12);
    EXPECT_NEAR(b.wrong.mean(0)[1].item<double>(), b.top5, 1e-12);
  }
  EXPECT_FALSE(one.result().indices.defined());  // no indices given, no per-image values
  crop.resize = 12;
  EXPECT_THROW_WITH(evaluate_tencrops(*model_, *dataset_, crop, {}), "resize 12 below the crop size 16");
}

TEST_F(EvalModelTest, LimitEvaluatesEvenlySpacedImagesAndProgressCountsThem) {
  PredictOptions options;
  options.limit = 3;
  options.batch = 1;
  std::vector<int64_t> seen, indices;
  std::vector<int64_t> reported;
  const int64_t n = predict_views(
      *model_, *dataset_, 1,
      [&](const torch::Tensor& image, int64_t index) {
        EXPECT_TRUE(torch::equal(image, images_[index]));
        return torch::zeros({1, 3, 8, 8});
      },
      [&](const torch::Tensor& l, const torch::Tensor& labels, const torch::Tensor& images) {
        EXPECT_EQ(l.sizes(), (std::vector<int64_t>{1, 1, 4}));
        seen.push_back(labels.item<int64_t>());
        indices.push_back(images.item<int64_t>());
      },
      [&] {
        PredictOptions o = options;
        o.progress = [&](int64_t done, int64_t total) {
          reported.push_back(done);
          EXPECT_EQ(total, 3);
        };
        return o;
      }());
  EXPECT_EQ(n, 3);
  EXPECT_EQ(data::evenly_spaced(7, 3), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 2, 0}));  // the labels of images 0, 2, 4
  EXPECT_EQ(indices, (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(reported, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(EvalModelTest, UnreadableImagesAreSkippedAndCountedOrFatalWhenStrict) {
  std::vector<data::LoadFailure> failures;
  PredictOptions options;
  auto failing = [](const torch::Tensor&, int64_t index) -> torch::Tensor {
    if (index == 3) throw Error("corrupt");
    return torch::zeros({1, 3, 8, 8});
  };
  std::vector<int64_t> indices;
  const auto record = [&](const torch::Tensor&, const torch::Tensor&, const torch::Tensor& images) {
    for (int64_t i = 0; i < images.size(0); ++i) indices.push_back(images[i].item<int64_t>());
  };
  const int64_t n = predict_views(*model_, *dataset_, 1, failing, record, options, &failures);
  EXPECT_EQ(n, 6);
  EXPECT_EQ(indices, (std::vector<int64_t>{0, 1, 2, 4, 5, 6}));  // image 3 left out
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].reason, "corrupt");
  options.strict = true;
  EXPECT_THROW_WITH(predict_views(*model_, *dataset_, 1, failing, record,
                                  options),
                    "corrupt");
  EXPECT_THROW_WITH(predict_views(*model_, *dataset_, 2, failing, record,
                                  PredictOptions{}),
                    "1 views of an image; expected 2");
}

}  // namespace
}  // namespace wavetwin::eval
