// tests/eval/shift_eval_test.cpp: KL and flip rates on shifted windows against the windows scored by hand;
// a shift-invariant model scores KL 0, flip rate 0 and consistency 100; the reference's unnormalised quirk;
// every protocol shared among several ranks scores as one process.
#include "wavetwin/eval/shift_eval.h"

#include <torch/torch.h>

#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>

#include "support/support.h"
#include "wavetwin/eval/accuracy.h"

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
      EXPECT_TRUE(torch::allclose(scores.per_image.kl.at(name), image_kl(all), 1e-6, 1e-7)) << name;
      EXPECT_TRUE(torch::equal(scores.per_image.flip_rates.at(name), image_flip_rates(all.argmax(2), 3))) << name;
    }
    EXPECT_TRUE(torch::equal(scores.per_image.indices, torch::arange(5)));
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
  EXPECT_DOUBLE_EQ(evaluate_consistency(model_, dataset, c, {}).consistency, 100);
}

TEST_F(ShiftEvalTest, ConsistencyDependsOnlyOnTheSeed) {
  ConsistencyOptions c;
  c.size = 16, c.resize = 24, c.seed = 3;
  PredictOptions one, many;
  one.batch = 2, many.batch = 100;
  const ConsistencyScores scores = evaluate_consistency(model_, *dataset_, c, one);
  const double a = scores.consistency;
  EXPECT_DOUBLE_EQ(a, evaluate_consistency(model_, *dataset_, c, many).consistency);
  EXPECT_DOUBLE_EQ(scores.agree.mean().item<double>(), a);
  EXPECT_EQ(scores.images, dataset_->size());
  EXPECT_TRUE(torch::equal(scores.indices, torch::arange(dataset_->size())));
  EXPECT_GE(a, 0);
  EXPECT_LE(a, 100);
  c.resize = 16;
  EXPECT_THROW_WITH(evaluate_consistency(model_, *dataset_, c, {}), "resize 16 for crops of 16");
}

// Circular shifts: the one-crop view rolled by k pixels per direction and by two random shifts, scored by hand
// with a model that reads one pixel (position-sensitive); batches of any size give the same scores.
TEST_F(ShiftEvalTest, CircularScoresAreThoseOfTheRolledViewsScoredByHand) {
  const Classifier corner([](const torch::Tensor& x) { return x.select(3, 0).select(2, 0) * 7; });
  CircularOptions c;
  c.size = 16, c.resize = 20, c.max_shift = 5, c.max_step = 2, c.seed = 11;
  c.directions = {data::ShiftDirection::kHorizontal, data::ShiftDirection::kDiagonal};
  data::TransformOptions t = data::default_transform(false, 16, 3);
  t.resize = 20;
  std::map<std::string, std::vector<torch::Tensor>> logits;
  std::vector<int64_t> agree;
  for (int64_t i = 0; i < 5; ++i) {
    data::SampleRandom random(11, 0, static_cast<uint64_t>(i));
    const torch::Tensor x = data::transform_image(images_[i], t, random);
    for (const auto direction : c.directions) {
      const bool diagonal = direction == data::ShiftDirection::kDiagonal;
      std::vector<torch::Tensor> frames;
      for (int64_t k = 0; k <= 5; ++k) frames.push_back(torch::roll(x, {diagonal ? k : 0, k}, {1, 2}));
      logits[data::shift_direction_name(direction)].push_back(corner(torch::stack(frames)));
    }
    std::vector<int64_t> top;
    for (int draw = 0; draw < 2; ++draw) {
      const int64_t dy = random.integer(0, 15), dx = random.integer(0, 15);
      top.push_back(corner(torch::roll(x, {dy, dx}, {1, 2}).unsqueeze(0)).argmax(1).item<int64_t>());
    }
    agree.push_back(top[0] == top[1]);
  }
  for (const int64_t batch : {3, 100}) {
    PredictOptions options;
    options.batch = batch;
    const CircularScores scores = evaluate_circular(corner, *dataset_, c, options);
    EXPECT_EQ(scores.images, 5);
    ASSERT_EQ(scores.kl.size(), 2u);
    for (const auto& [name, per_image] : logits) {
      const torch::Tensor all = torch::stack(per_image);  // (5, 6, 3)
      const auto kl = kl_per_shift(all);
      ASSERT_EQ(scores.kl.at(name).size(), 6u);
      for (size_t k = 0; k < kl.size(); ++k) EXPECT_NEAR(scores.kl.at(name)[k], kl[k], 1e-7) << name << " " << k;
      EXPECT_EQ(scores.flip_rates.at(name), flip_rates(all.argmax(2), 2)) << name;
      EXPECT_GT(scores.kl.at(name)[1], 0) << name;
      EXPECT_TRUE(torch::allclose(scores.per_image.kl.at(name), image_kl(all), 1e-6, 1e-7)) << name;
      EXPECT_TRUE(torch::equal(scores.per_image.flip_rates.at(name), image_flip_rates(all.argmax(2), 2))) << name;
    }
    EXPECT_DOUBLE_EQ(scores.consistency, 100.0 * static_cast<double>(std::accumulate(agree.begin(), agree.end(), 0)) / 5);
    EXPECT_TRUE(torch::equal(scores.agree, torch::tensor(agree, torch::kFloat64) * 100));
    EXPECT_TRUE(torch::equal(scores.per_image.indices, torch::arange(5)));
  }
  c.max_step = 6;
  EXPECT_THROW_WITH(evaluate_circular(corner, *dataset_, c, {}), "circular shifts: max step 6 for 6 frames");
  c.directions.clear();
  EXPECT_THROW_WITH(evaluate_circular(corner, *dataset_, c, {}), "circular shifts: no direction");
}

// A model of the whole image's mean is exactly invariant to circular shifts of any image, not to moving
// windows: circular KL 0, flip rates 0 and consistency 100 on random pictures, where the windows flip.
TEST_F(ShiftEvalTest, CircularShiftsSeparateCircularInvarianceFromTheWindows) {
  CircularOptions c;
  c.size = 16;
  const CircularScores circular = evaluate_circular(model_, *dataset_, c, {});
  for (const auto& [direction, kl] : circular.kl) {
    ASSERT_EQ(kl.size(), 9u);
    for (const double v : kl) EXPECT_NEAR(v, 0, 1e-9) << direction;
    for (const double fr : circular.flip_rates.at(direction)) EXPECT_EQ(fr, 0) << direction;
  }
  EXPECT_DOUBLE_EQ(circular.consistency, 100);
  ShiftOptions shifts;
  shifts.size = 16;
  double windows_kl = 0;
  for (const auto& [direction, kl] : evaluate_shifts(model_, *dataset_, shifts, {}).kl) windows_kl += kl.back();
  EXPECT_GT(windows_kl, 1e-6);
}

// The ranks' all-reduce within one process: `size` threads meet at every call and each receives the sum.
class ThreadSum {
 public:
  explicit ThreadSum(int64_t size) : size_(size) {}
  void operator()(std::vector<torch::Tensor>& tensors) {
    std::unique_lock<std::mutex> lock(mutex_);
    const int64_t generation = generation_;
    if (arrived_ == 0) {
      sums_.clear();
      for (const auto& t : tensors) sums_.push_back(t.clone());
    } else {
      for (size_t i = 0; i < tensors.size(); ++i) sums_[i] += tensors[i];
    }
    if (++arrived_ == size_) {
      result_ = sums_;
      arrived_ = 0;
      ++generation_;
      changed_.notify_all();
    } else {
      changed_.wait(lock, [&] { return generation_ != generation; });
    }
    for (size_t i = 0; i < tensors.size(); ++i) tensors[i].copy_(result_[i]);
  }

 private:
  int64_t size_, arrived_ = 0, generation_ = 0;
  std::vector<torch::Tensor> sums_, result_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

// Images whose index 4 cannot be decoded.
class OneCorrupt : public data::Dataset {
 public:
  explicit OneCorrupt(std::shared_ptr<data::TensorDataset> inner) : inner_(std::move(inner)) {}
  int64_t size() const override { return inner_->size(); }
  int64_t label(int64_t i) const override { return inner_->label(i); }
  torch::Tensor image(int64_t i) const override {
    if (i == 4) throw Error("corrupt");
    return inner_->image(i);
  }
  std::string where(int64_t i) const override { return inner_->where(i); }
  const std::vector<std::string>& classes() const override { return inner_->classes(); }
  int64_t channels() const override { return inner_->channels(); }

 private:
  std::shared_ptr<data::TensorDataset> inner_;
};

struct AllScores {
  TopK onecrop, tencrops;
  ShiftScores shifts;
  double consistency = 0;
  size_t failures = 0;
};

AllScores all_protocols(const Classifier& classify, const data::Dataset& dataset, const PredictOptions& options) {
  AllScores s;
  std::vector<data::LoadFailure> failures;
  CropOptions crop;
  crop.size = 16;
  s.onecrop = evaluate_onecrop(classify, dataset, crop, options, &failures);
  s.tencrops = evaluate_tencrops(classify, dataset, crop, options, &failures);
  ShiftOptions shifts;
  shifts.size = 16, shifts.max_shift = 3, shifts.pixel_divide = 2;
  s.shifts = evaluate_shifts(classify, dataset, shifts, options, &failures);
  ConsistencyOptions c;
  c.size = 16, c.seed = 2;
  s.consistency = evaluate_consistency(classify, dataset, c, options, &failures).consistency;
  s.failures = failures.size();
  return s;
}

// Two and three ranks (threads joined by an in-process sum) each score their part of every chunk, with one
// image undecodable, and every rank gets the single process's scores for all four protocols.
TEST(ShardedEvalTest, EveryProtocolSharedAmongRanksScoresAsOneProcess) {
  torch::manual_seed(3);
  const auto images = torch::randint(0, 256, {11, 30, 27, 3}, torch::kUInt8);
  const OneCorrupt dataset(std::make_shared<data::TensorDataset>(images, torch::arange(11) % 3,
                                                                  std::vector<std::string>{"a", "b", "c"}, "t"));
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 3, 5));
  conv->to(torch::kFloat64);
  // float64: an image's scores do not depend on the other images of its batch beyond rounding (~1e-16).
  const Classifier classify([&](const torch::Tensor& x) { return conv(x.to(torch::kFloat64)).mean({2, 3}) * 20; });
  PredictOptions options;
  options.batch = 40;  // ten crops: 4 images a chunk per rank; shifts: one image a chunk per rank
  for (const int64_t size : {2, 3}) {
    // One process forwarding the ranks' chunks whole: the KL means are summed chunk by chunk in the same way.
    PredictOptions whole = options;
    whole.batch = options.batch * size;
    const AllScores single = all_protocols(classify, dataset, whole);
    EXPECT_EQ(single.onecrop.images, 10);
    EXPECT_EQ(single.failures, 4u);  // one per protocol
    ThreadSum sum(size);
    std::vector<AllScores> ranks(size);
    std::vector<std::thread> threads;
    for (int64_t r = 0; r < size; ++r) {
      threads.emplace_back([&, r] {
        PredictOptions o = options;
        o.shard = {r, size, std::ref(sum)};
        ranks[r] = all_protocols(classify, dataset, o);
      });
    }
    for (auto& t : threads) t.join();
    size_t failures = 0;
    for (int64_t r = 0; r < size; ++r) {
      const AllScores& s = ranks[r];
      for (const auto& [got, want] : {std::pair{s.onecrop, single.onecrop}, std::pair{s.tencrops, single.tencrops}}) {
        EXPECT_EQ(got.images, want.images) << size << " ranks, rank " << r;
        EXPECT_EQ(got.top1, want.top1) << size << " ranks, rank " << r;
        EXPECT_EQ(got.top5, want.top5) << size << " ranks, rank " << r;
      }
      EXPECT_EQ(s.shifts.images, single.shifts.images);
      for (const auto& [direction, kl] : single.shifts.kl) {
        ASSERT_EQ(s.shifts.kl.at(direction).size(), kl.size());
        for (size_t k = 0; k < kl.size(); ++k) EXPECT_NEAR(s.shifts.kl.at(direction)[k], kl[k], 1e-12) << direction;
        EXPECT_EQ(s.shifts.flip_rates.at(direction), single.shifts.flip_rates.at(direction)) << direction;
      }
      EXPECT_EQ(s.consistency, single.consistency);
      failures += s.failures;
    }
    EXPECT_EQ(failures, single.failures) << "each rank reports the undecodable images of its own part";
  }
  PredictOptions bad;
  bad.shard = {0, 2, {}};
  EXPECT_THROW_WITH(evaluate_onecrop(classify, dataset, {}, bad), "shard 0 of 2; expected 0 <= rank < size, and a sum");
}

}  // namespace
}  // namespace wavetwin::eval
