// tests/runs/score_test.cpp: score names round-trip; look-ups by split, metric, direction and step; series in
// step order.
#include "wavetwin/runs/score.h"

#include "support/support.h"

namespace wavetwin::runs {
namespace {

using data::ShiftDirection;

TEST(ScoreTest, NamesRoundTrip) {
  for (const Metric m : {Metric::kOnecropTop1, Metric::kOnecropTop5, Metric::kTencropsTop1, Metric::kTencropsTop5,
                         Metric::kKl, Metric::kFlipRate, Metric::kConsistency, Metric::kKlPixelDivide,
                         Metric::kFlipRatePixelDivide, Metric::kReferenceQuirks}) {
    EXPECT_EQ(parse_metric(metric_name(m)), m) << metric_name(m);
  }
  EXPECT_EQ(parse_split(split_name(Split::kVal)), Split::kVal);
  EXPECT_EQ(parse_split(split_name(Split::kTest)), Split::kTest);
  EXPECT_THROW_WITH(parse_metric("fr"), "metric 'fr': unknown; expected one of onecrop_top1");
  EXPECT_THROW_WITH(parse_split("train", "--split"), "--split train; expected test or val");
}

TEST(ScoreTest, FindsByEveryPartAndOrdersSeriesBySteps) {
  const std::vector<Score> scores = {
      {"c", Split::kTest, Metric::kFlipRate, ShiftDirection::kVertical, 2, 0.2},
      {"c", Split::kTest, Metric::kFlipRate, ShiftDirection::kVertical, 1, 0.1},
      {"c", Split::kVal, Metric::kFlipRate, ShiftDirection::kVertical, 1, 0.7},
      {"c", Split::kTest, Metric::kFlipRate, ShiftDirection::kDiagonal, 1, 0.3},
      {"c", Split::kTest, Metric::kKl, ShiftDirection::kVertical, 1, 0.9},
      {"c", Split::kTest, Metric::kConsistency, {}, {}, 88},
  };
  EXPECT_EQ(find_score(scores, Split::kTest, Metric::kConsistency), 88);
  EXPECT_FALSE(find_score(scores, Split::kVal, Metric::kConsistency).has_value());
  EXPECT_EQ(find_score(scores, Split::kTest, Metric::kFlipRate, ShiftDirection::kVertical, 1), 0.1);
  EXPECT_EQ(find_score(scores, Split::kVal, Metric::kFlipRate, ShiftDirection::kVertical, 1), 0.7);
  EXPECT_FALSE(find_score(scores, Split::kTest, Metric::kFlipRate, ShiftDirection::kHorizontal, 1).has_value());
  const auto series = score_series(scores, Split::kTest, Metric::kFlipRate);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series.at(ShiftDirection::kVertical), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(series.at(ShiftDirection::kDiagonal), (std::vector<double>{0.3}));
}

}  // namespace
}  // namespace wavetwin::runs
