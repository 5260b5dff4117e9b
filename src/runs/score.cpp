// src/runs/score.cpp: score names and look-ups.
#include "wavetwin/runs/score.h"

#include <algorithm>
#include <utility>

#include "wavetwin/error.h"

namespace wavetwin::runs {
namespace {

const std::pair<Metric, const char*> kMetricNames[] = {
    {Metric::kOnecropTop1, "onecrop_top1"},   {Metric::kOnecropTop5, "onecrop_top5"},
    {Metric::kTencropsTop1, "tencrops_top1"}, {Metric::kTencropsTop5, "tencrops_top5"},
    {Metric::kKl, "kl"},                      {Metric::kFlipRate, "flip_rate"},
    {Metric::kConsistency, "consistency"},    {Metric::kKlPixelDivide, "kl_pixel_divide"},
    {Metric::kFlipRatePixelDivide, "flip_rate_pixel_divide"},
    {Metric::kReferenceQuirks, "reference_quirks"},
    {Metric::kCircularKl, "circular_kl"},     {Metric::kCircularFlipRate, "circular_flip_rate"},
    {Metric::kCircularConsistency, "circular_consistency"},
};

}  // namespace

std::string split_name(Split split) { return split == Split::kTest ? "test" : "val"; }

Split parse_split(const std::string& name, const std::string& what) {
  if (name == "test") return Split::kTest;
  if (name == "val") return Split::kVal;
  WAVETWIN_FAIL(what, " ", name, "; expected test or val");
}

std::string metric_name(Metric metric) {
  for (const auto& [m, name] : kMetricNames) {
    if (m == metric) return name;
  }
  WAVETWIN_FAIL("metric ", static_cast<int>(metric), ": not a metric");
}

Metric parse_metric(const std::string& name) {
  std::string names;
  for (const auto& [m, n] : kMetricNames) {
    if (name == n) return m;
    names += (names.empty() ? "" : ", ") + std::string(n);
  }
  WAVETWIN_FAIL("metric '", name, "': unknown; expected one of ", names);
}

std::optional<double> find_score(const std::vector<Score>& scores, Split split, Metric metric,
                                 std::optional<data::ShiftDirection> direction, std::optional<int64_t> step) {
  for (const auto& s : scores) {
    if (s.split == split && s.metric == metric && s.direction == direction && s.step == step) return s.value;
  }
  return std::nullopt;
}

std::map<data::ShiftDirection, std::vector<double>> score_series(const std::vector<Score>& scores, Split split,
                                                                 Metric metric) {
  std::map<data::ShiftDirection, std::vector<std::pair<int64_t, double>>> steps;
  for (const auto& s : scores) {
    if (s.split == split && s.metric == metric && s.direction) steps[*s.direction].push_back({s.step.value_or(0), s.value});
  }
  std::map<data::ShiftDirection, std::vector<double>> series;
  for (auto& [direction, values] : steps) {
    std::sort(values.begin(), values.end());
    for (const auto& v : values) series[direction].push_back(v.second);
  }
  return series;
}

}  // namespace wavetwin::runs
