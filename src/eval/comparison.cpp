// src/eval/comparison.cpp: per-image values of recorded scores, paired comparisons, the mFR's interval.
#include "wavetwin/eval/comparison.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <unordered_map>

#include "wavetwin/error.h"

namespace wavetwin::eval {

namespace {

// The rows of a and of b holding the images both have, in a's order.
std::pair<torch::Tensor, torch::Tensor> common_rows(const ImageValues& a, const ImageValues& b) {
  std::unordered_map<int32_t, int64_t> row_of_b;
  for (size_t j = 0; j < b.images.size(); ++j) row_of_b[b.images[j]] = static_cast<int64_t>(j);
  std::vector<int64_t> rows_a, rows_b;
  for (size_t i = 0; i < a.images.size(); ++i) {
    const auto it = row_of_b.find(a.images[i]);
    if (it == row_of_b.end()) continue;
    rows_a.push_back(static_cast<int64_t>(i));
    rows_b.push_back(it->second);
  }
  return {torch::tensor(rows_a, torch::kInt64), torch::tensor(rows_b, torch::kInt64)};
}

// The columns of each direction, by name.
std::map<std::string, std::vector<int64_t>> direction_columns(const ImageValues& v) {
  std::map<std::string, std::vector<int64_t>> columns;
  for (size_t c = 0; c < v.directions.size(); ++c) {
    columns[v.directions[c] ? data::shift_direction_name(*v.directions[c]) : ""].push_back(static_cast<int64_t>(c));
  }
  return columns;
}

}  // namespace

ImageValues image_values(const std::vector<runs::Score>& scores, runs::Split split, runs::Metric metric) {
  const bool kl = metric == runs::Metric::kKl || metric == runs::Metric::kCircularKl;
  ImageValues out;
  std::vector<torch::Tensor> columns;
  for (const auto& s : scores) {
    if (s.split != split || s.metric != metric || s.per_image.empty() || (kl && s.step == 0)) continue;
    if (columns.empty()) out.images = s.images;
    WAVETWIN_CHECK(s.images == out.images, runs::metric_name(metric), " scores of ", s.checkpoint,
                   " computed on different images; expected those of one evaluation (run `wavetwin eval` again)");
    columns.push_back(torch::tensor(s.per_image, torch::kFloat64));
    out.directions.push_back(s.direction);
  }
  if (!columns.empty()) out.values = torch::stack(columns, 1);
  return out;
}

Interval recorded_interval(const std::vector<runs::Score>& scores, runs::Split split, runs::Metric metric,
                           std::optional<data::ShiftDirection> direction, std::optional<int64_t> step) {
  for (const auto& s : scores) {
    if (s.split == split && s.metric == metric && s.direction == direction && s.step == step && s.low && s.high) {
      return {*s.low, *s.high};
    }
  }
  return {};
}

bool is_error_metric(runs::Metric metric) {
  return metric == runs::Metric::kOnecropTop1 || metric == runs::Metric::kOnecropTop5 ||
         metric == runs::Metric::kTencropsTop1 || metric == runs::Metric::kTencropsTop5;
}

std::optional<ScoreComparison> compare_scores(const std::vector<runs::Score>& a, const std::vector<runs::Score>& b,
                                              runs::Split split, runs::Metric metric, const BootstrapOptions& options) {
  const ImageValues va = image_values(a, split, metric), vb = image_values(b, split, metric);
  if (va.empty() || vb.empty()) return std::nullopt;
  WAVETWIN_CHECK(va.directions == vb.directions, runs::metric_name(metric), ": ", va.directions.size(),
                 " scores (directions and steps) against ", vb.directions.size(),
                 "; expected both evaluated with the same directions and steps");
  const auto [rows_a, rows_b] = common_rows(va, vb);
  if (rows_a.numel() == 0) return std::nullopt;
  const torch::Tensor x = va.values.index_select(0, rows_a).mean(1), y = vb.values.index_select(0, rows_b).mean(1);
  ScoreComparison c;
  c.images = x.size(0);
  c.a = x.mean().item<double>(), c.b = y.mean().item<double>();
  c.difference = paired_difference(x, y, options);
  if (is_error_metric(metric)) {
    c.mcnemar = mcnemar(x, y);
    c.significant = c.mcnemar->p_value < 1 - options.level;
  } else {
    c.significant = c.difference.significant;
  }
  return c;
}

Interval mfr_interval(const ImageValues& model, const ImageValues& reference, const DirectionalFlipRates& reference_rates,
                      const BootstrapOptions& options) {
  if (model.empty()) return {};
  const auto columns = direction_columns(model);
  if (columns.size() != reference_rates.size()) return {};
  torch::Tensor model_means = bootstrap_means(model.values, options);  // (B, M)
  // Paired when the reference was scored on the same images: its rows in the model's order resample alike.
  torch::Tensor reference_means;
  if (!reference.empty() && reference.images.size() == model.images.size() &&
      direction_columns(reference) == columns) {
    const auto [rows_model, rows_reference] = common_rows(model, reference);
    if (rows_model.numel() == static_cast<int64_t>(model.images.size())) {
      reference_means = bootstrap_means(reference.values.index_select(0, rows_reference), options);
    }
  }
  torch::Tensor total = torch::zeros({model_means.size(0)}, torch::kFloat64);
  for (const auto& [name, cols] : columns) {
    const auto it = reference_rates.find(name);
    if (it == reference_rates.end() || it->second.size() != cols.size()) return {};
    const torch::Tensor index = torch::tensor(cols, torch::kInt64);
    const torch::Tensor numerator = model_means.index_select(1, index).mean(1);
    if (reference_means.defined()) {
      total += numerator / reference_means.index_select(1, index).mean(1);
    } else {
      double denominator = 0;
      for (const double r : it->second) denominator += r / static_cast<double>(it->second.size());
      total += numerator / denominator;
    }
  }
  return percentile_interval(total * (100.0 / static_cast<double>(columns.size())), options.level);
}

}  // namespace wavetwin::eval
