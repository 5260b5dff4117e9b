// tests/eval/confidence_test.cpp: bootstrap intervals against the binomial's normal approximation and their
// coverage over simulated test sets; McNemar's exact test on hand-computed tables; paired differences; recorded
// scores compared image by image (eval/comparison.h).
#include "wavetwin/eval/confidence.h"
#include "wavetwin/eval/comparison.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "support/support.h"

namespace wavetwin::eval {
namespace {

TEST(ConfidenceTest, BinomialErrorIntervalIsTheNormalApproximation) {
  // 600 errors in 2000 images: p = 0.3, the normal interval p +- 1.96 sqrt(p (1 - p) / N) = 0.3 +- 0.0201. The
  // percentile endpoints of 4000 resamples scatter by about 0.0005 around the bootstrap's own, which differ
  // from the normal ones by the binomial's skew, O(1 / N); 0.0025 is 12 % of the half-width.
  const int64_t n = 2000;
  const torch::Tensor wrong = (torch::arange(n) < 600).to(torch::kFloat64).unsqueeze(1);
  BootstrapOptions options;
  options.resamples = 4000;
  const Interval interval = mean_intervals(wrong, options)[0];
  const double half = 1.959964 * std::sqrt(0.3 * 0.7 / n);
  EXPECT_NEAR(interval.low, 0.3 - half, 0.0025);
  EXPECT_NEAR(interval.high, 0.3 + half, 0.0025);
  // A 50 % interval is inside the 95 % one, about 0.6745 / 1.96 as wide.
  options.level = 0.5;
  const Interval half_level = mean_intervals(wrong, options)[0];
  EXPECT_GT(half_level.low, interval.low);
  EXPECT_LT(half_level.high, interval.high);
  EXPECT_NEAR((half_level.high - half_level.low) / (2 * half), 0.6745 / 1.959964, 0.05);
}

TEST(ConfidenceTest, IntervalsCoverTheTrueRateNinetyFivePercentOfTheTime) {
  // 2000 simulated test sets of 400 images with a true error rate of 0.2, one per column. The coverage of a
  // percentile interval at N = 400 is about 0.945; over 2000 sets it scatters by 0.005: [0.93, 0.965] is 3 sigma.
  auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
  const torch::Tensor sets = at::bernoulli(torch::full({400, 2000}, 0.2, torch::kFloat64), generator);
  const std::vector<Interval> intervals = mean_intervals(sets, {});
  int64_t covered = 0;
  for (const Interval& i : intervals) covered += i.contains(0.2) ? 1 : 0;
  const double coverage = static_cast<double>(covered) / 2000;
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.965);
}

TEST(ConfidenceTest, ResamplingDependsOnlyOnTheSeedAndTheImages) {
  const torch::Tensor values = torch::rand({50, 3}, torch::kFloat64);
  BootstrapOptions options;
  options.resamples = 200;
  const torch::Tensor a = bootstrap_means(values, options);
  EXPECT_TRUE(torch::equal(a, bootstrap_means(values, options)));
  ASSERT_EQ(a.sizes(), (std::vector<int64_t>{200, 3}));
  // The same draws for every column: column 1 equal to column 0 resamples equally.
  const torch::Tensor twice = torch::cat({values.narrow(1, 0, 1), values.narrow(1, 0, 1)}, 1);
  const torch::Tensor b = bootstrap_means(twice, options);
  EXPECT_TRUE(torch::allclose(b.select(1, 0), a.select(1, 0), 0, 1e-15));
  EXPECT_TRUE(torch::allclose(b.select(1, 1), a.select(1, 0), 0, 1e-15));
  options.seed = 1;
  EXPECT_FALSE(torch::equal(a, bootstrap_means(values, options)));
  // A constant score, and a single image, are certain.
  const Interval constant = mean_intervals(torch::full({30, 1}, 2.5, torch::kFloat64), options)[0];
  EXPECT_DOUBLE_EQ(constant.low, 2.5);
  EXPECT_DOUBLE_EQ(constant.high, 2.5);
  const Interval one = mean_intervals(torch::full({1, 1}, 0.25, torch::kFloat64), options)[0];
  EXPECT_DOUBLE_EQ(one.low, 0.25);
  EXPECT_DOUBLE_EQ(one.high, 0.25);
  EXPECT_TRUE(std::isnan(percentile_interval(torch::tensor({1.0, std::nan("")}), 0.95).low));
  EXPECT_THROW_WITH(bootstrap_means(torch::rand({4}), options), "expected (images, scores)");
  options.resamples = 0;
  EXPECT_THROW_WITH(bootstrap_means(values, options), "0 resamples; expected >= 1");
  options.resamples = 10, options.level = 95;
  EXPECT_THROW_WITH(bootstrap_means(values, options), "confidence level 95; expected a fraction in (0, 1)");
}

TEST(ConfidenceTest, McNemarExactOnHandComputedTables) {
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);           // all agree
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(5, 0), 2.0 / 32);      // 2 P(X <= 0), n = 5
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(1, 4), 12.0 / 32);     // 2 (1 + 5) / 32
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(4, 1), 12.0 / 32);     // symmetric
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(3, 3), 1.0);           // 2 P(X <= 3) > 1, clipped
  EXPECT_NEAR(mcnemar_exact_p(7, 20), 0.0191572904586792, 1e-14);  // 2 * 1285624 / 2^27
  EXPECT_NEAR(mcnemar_exact_p(20, 0), 2.0 / 1048576, 1e-20);      // all disagree, one way
  EXPECT_NEAR(mcnemar_exact_p(2000, 2100), 0.1225, 0.01);          // large n: finite, near the normal's 0.119
  EXPECT_THROW_WITH(mcnemar_exact_p(-1, 2), "expected counts >= 0");

  // From indicators: A wrong on images 0-5, B on images 4-6: 4 wrong for A alone, 1 for B alone.
  const torch::Tensor a = torch::tensor({1, 1, 1, 1, 1, 1, 0, 0}), b = torch::tensor({0, 0, 0, 0, 1, 1, 1, 0});
  const McNemar m = mcnemar(a, b);
  EXPECT_EQ(m.only_a, 4);
  EXPECT_EQ(m.only_b, 1);
  EXPECT_DOUBLE_EQ(m.p_value, 12.0 / 32);
  const McNemar all_disagree = mcnemar(torch::ones({20}), torch::zeros({20}));
  EXPECT_EQ(all_disagree.only_a, 20);
  EXPECT_NEAR(all_disagree.p_value, 2.0 / 1048576, 1e-20);
  EXPECT_DOUBLE_EQ(mcnemar(a, a).p_value, 1.0);
  EXPECT_THROW_WITH(mcnemar(a, torch::zeros({3})), "over the same images");
}

TEST(ConfidenceTest, PairedDifferences) {
  const torch::Tensor a = (torch::rand({500}, torch::kFloat64) < 0.3).to(torch::kFloat64);
  const PairedDifference same = paired_difference(a, a, {});
  EXPECT_EQ(same.difference, 0.0);
  EXPECT_TRUE(same.interval.contains(0.0));
  EXPECT_FALSE(same.significant);
  // B is A with 60 of its errors corrected: a difference of 60 / 500 that the pairing makes certain, while the
  // two error rates' own intervals overlap.
  torch::Tensor b = a.clone();
  const torch::Tensor errors = a.nonzero().squeeze(1).narrow(0, 0, 60);
  b.index_fill_(0, errors, 0.0);
  const PairedDifference better = paired_difference(a, b, {});
  EXPECT_NEAR(better.difference, 60.0 / 500, 1e-15);
  EXPECT_TRUE(better.significant);
  EXPECT_GT(better.interval.low, 0.0);
  EXPECT_TRUE(better.interval.contains(better.difference));
  const Interval ia = mean_intervals(a.unsqueeze(1), {})[0], ib = mean_intervals(b.unsqueeze(1), {})[0];
  EXPECT_LT(better.interval.high - better.interval.low, (ia.high - ia.low));
  EXPECT_THROW_WITH(paired_difference(a, a.narrow(0, 0, 10), {}), "over the same images");
}

using data::ShiftDirection;
using runs::Metric;
using runs::Split;

runs::Score image_score(Metric metric, std::optional<ShiftDirection> direction, std::optional<int64_t> step,
                        std::vector<int32_t> images, std::vector<double> per_image) {
  runs::Score s;
  s.checkpoint = "x.pt", s.metric = metric, s.direction = direction, s.step = step;
  s.images = std::move(images), s.per_image = std::move(per_image);
  for (const double v : s.per_image) s.value += v / static_cast<double>(s.per_image.size());
  return s;
}

TEST(ComparisonTest, ImageValuesGatherAMetricsScores) {
  const std::vector<runs::Score> scores{
      image_score(Metric::kKl, ShiftDirection::kVertical, 0, {3, 5}, {0, 0}),  // shift 0 left out
      image_score(Metric::kKl, ShiftDirection::kVertical, 1, {3, 5}, {0.5, 1.5}),
      image_score(Metric::kKl, ShiftDirection::kDiagonal, 1, {3, 5}, {2, 4}),
      image_score(Metric::kConsistency, {}, {}, {3, 5}, {100, 0}),
      {"x.pt", Split::kTest, Metric::kKlPixelDivide, {}, {}, 2}};
  const ImageValues kl = image_values(scores, Split::kTest, Metric::kKl);
  EXPECT_EQ(kl.images, (std::vector<int32_t>{3, 5}));
  EXPECT_TRUE(torch::equal(kl.values, torch::tensor({0.5, 2.0, 1.5, 4.0}, torch::kFloat64).view({2, 2})));
  EXPECT_EQ(kl.directions, (std::vector<std::optional<ShiftDirection>>{ShiftDirection::kVertical, ShiftDirection::kDiagonal}));
  EXPECT_TRUE(image_values(scores, Split::kVal, Metric::kKl).empty());
  EXPECT_TRUE(image_values(scores, Split::kTest, Metric::kKlPixelDivide).empty());
  std::vector<runs::Score> mixed = scores;
  mixed.push_back(image_score(Metric::kKl, ShiftDirection::kHorizontal, 1, {3, 6}, {1, 1}));
  EXPECT_THROW_WITH(image_values(mixed, Split::kTest, Metric::kKl), "kl scores of x.pt computed on different images");
}

TEST(ComparisonTest, ComparesTwoEvaluationsOnTheImagesBothScored) {
  // A wrong on images 0-9 of 0-29, B on 0-2 and on 30-39, which A never saw: on the 30 common images, 7 wrong
  // for A alone, 0 for B alone.
  std::vector<int32_t> a_images, b_images;
  std::vector<double> a_wrong, b_wrong;
  for (int32_t i = 0; i < 30; ++i) a_images.push_back(i), a_wrong.push_back(i < 10 ? 100 : 0);
  for (int32_t i = 39; i >= 0; --i) b_images.push_back(i), b_wrong.push_back(i < 3 || i >= 30 ? 100 : 0);
  const std::vector<runs::Score> a{image_score(Metric::kOnecropTop1, {}, {}, a_images, a_wrong)};
  const std::vector<runs::Score> b{image_score(Metric::kOnecropTop1, {}, {}, b_images, b_wrong)};
  const auto c = compare_scores(a, b, Split::kTest, Metric::kOnecropTop1, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->images, 30);
  EXPECT_NEAR(c->a, 100.0 / 3, 1e-12);
  EXPECT_NEAR(c->b, 10, 1e-12);
  EXPECT_NEAR(c->difference.difference, 100.0 * 7 / 30, 1e-12);
  ASSERT_TRUE(c->mcnemar.has_value());
  EXPECT_EQ(c->mcnemar->only_a, 7);
  EXPECT_EQ(c->mcnemar->only_b, 0);
  EXPECT_NEAR(c->mcnemar->p_value, 2.0 / 128, 1e-15);
  EXPECT_TRUE(c->significant);
  // Identical evaluations: no difference, nothing significant.
  const auto same = compare_scores(a, a, Split::kTest, Metric::kOnecropTop1, {});
  EXPECT_EQ(same->difference.difference, 0);
  EXPECT_TRUE(same->difference.interval.contains(0));
  EXPECT_EQ(same->mcnemar->p_value, 1);
  EXPECT_FALSE(same->significant);
  // Not an error: significance from the interval; none without per-image values or common images.
  const std::vector<runs::Score> agree_a{image_score(Metric::kConsistency, {}, {}, a_images, a_wrong)};
  const auto consistency = compare_scores(agree_a, agree_a, Split::kTest, Metric::kConsistency, {});
  EXPECT_FALSE(consistency->mcnemar.has_value());
  EXPECT_FALSE(consistency->significant);
  EXPECT_FALSE(compare_scores(a, b, Split::kTest, Metric::kConsistency, {}).has_value());
  const std::vector<runs::Score> elsewhere{image_score(Metric::kOnecropTop1, {}, {}, {100, 101}, {0, 100})};
  EXPECT_FALSE(compare_scores(a, elsewhere, Split::kTest, Metric::kOnecropTop1, {}).has_value());
}

TEST(ComparisonTest, MfrIntervalResamplesTheReferenceAlongsideWhenPaired) {
  // Two directions, one step each, on 200 images; the model flips half as often vertically as the reference.
  std::vector<int32_t> images;
  std::vector<double> reference_v, reference_h, model_v;
  for (int32_t i = 0; i < 200; ++i) {
    images.push_back(i);
    reference_v.push_back(i % 5 == 0 ? 1.0 : 0.0);  // 0.2
    reference_h.push_back(i % 4 == 0 ? 1.0 : 0.0);  // 0.25
    model_v.push_back(i % 10 == 0 ? 1.0 : 0.0);     // 0.1, on images where the reference flips too
  }
  const std::vector<runs::Score> reference{
      image_score(Metric::kFlipRate, ShiftDirection::kHorizontal, 1, images, reference_h),
      image_score(Metric::kFlipRate, ShiftDirection::kVertical, 1, images, reference_v)};
  const std::vector<runs::Score> model{
      image_score(Metric::kFlipRate, ShiftDirection::kHorizontal, 1, images, reference_h),
      image_score(Metric::kFlipRate, ShiftDirection::kVertical, 1, images, model_v)};
  const DirectionalFlipRates reference_rates{{"horizontal", {0.25}}, {"vertical", {0.2}}};
  const DirectionalFlipRates model_rates{{"horizontal", {0.25}}, {"vertical", {0.1}}};
  const double mfr = normalized_mfr(model_rates, reference_rates);  // 100 (1 + 0.5) / 2 = 75
  const ImageValues m = image_values(model, Split::kTest, Metric::kFlipRate);
  const ImageValues r = image_values(reference, Split::kTest, Metric::kFlipRate);
  // The reference against itself, paired: 100 in every resample.
  const Interval self = mfr_interval(r, r, reference_rates, {});
  EXPECT_NEAR(self.low, 100, 1e-9);
  EXPECT_NEAR(self.high, 100, 1e-9);
  // Paired: the horizontal ratio is exactly 1 in every resample, the vertical one moves; unpaired, the
  // reference's rates are held fixed, so the horizontal ratio moves too and the interval is wider.
  const Interval paired = mfr_interval(m, r, reference_rates, {});
  const Interval fixed = mfr_interval(m, ImageValues{}, reference_rates, {});
  EXPECT_TRUE(paired.contains(mfr)) << paired.low << " " << paired.high;
  EXPECT_TRUE(fixed.contains(mfr)) << fixed.low << " " << fixed.high;
  EXPECT_LT(paired.high - paired.low, fixed.high - fixed.low);
  EXPECT_LE(paired.high, 100.0);  // the vertical ratio is at most 1: model flips are a subset of the reference's
  EXPECT_TRUE(std::isnan(mfr_interval(ImageValues{}, r, reference_rates, {}).low));
}

}  // namespace
}  // namespace wavetwin::eval
