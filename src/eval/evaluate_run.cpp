// src/eval/evaluate_run.cpp: the evaluation workflow.
#include "wavetwin/eval/evaluate_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/shift_eval.h"
#include "wavetwin/models/model.h"
#include "wavetwin/runs/checkpoint.h"

namespace wavetwin::eval {
namespace {

namespace fs = std::filesystem;

// What is evaluated: a run's checkpoint (scores recorded) or a checkpoint file with its model spec.
struct Target {
  std::optional<runs::RunRecord> run;
  std::string spec, checkpoint, dataset;
  int64_t size = 224;
  std::optional<int64_t> holdout;
};

std::string run_checkpoint(const runs::RunStore& store, const runs::RunRecord& run, const std::string& which) {
  std::string labels;
  for (const auto& c : store.checkpoints(run.id)) {
    const std::string label = runs::checkpoint_label(c);
    if (label == which) return c.path;
    labels += (labels.empty() ? "" : ", ") + label;
  }
  WAVETWIN_FAIL("--checkpoint ", which, ": run ", run.name, " has no such checkpoint; expected one of ",
                labels.empty() ? "(none: the run has not finished an epoch)" : labels);
}

Target resolve_target(const EvaluateRunOptions& o, const runs::RunStore* store) {
  Target t;
  if (store) {
    if (auto run = store->find(o.target)) {
      t.run = run;
      t.checkpoint = run_checkpoint(*store, *run, o.checkpoint);
    } else if (fs::is_regular_file(o.target)) {
      // A checkpoint file of a recorded run keeps its scores with the run.
      for (const auto& r : store->list()) {
        for (const auto& c : store->checkpoints(r.id)) {
          std::error_code error;
          if (fs::equivalent(c.path, o.target, error)) t.run = r;
        }
      }
    }
  }
  if (t.run) {
    t.spec = t.run->spec, t.dataset = t.run->dataset, t.size = t.run->size, t.holdout = t.run->holdout;
  } else {
    WAVETWIN_CHECK(fs::is_regular_file(o.target), o.target, ": neither a run in ", o.store,
                   " nor a checkpoint file; expected a run name (see `wavetwin runs list`) or a .pt file");
    WAVETWIN_CHECK(o.model.has_value(), o.target, ": a checkpoint outside the run store; expected --model SPEC too");
    models::parse_model_spec(*o.model).validate();
    WAVETWIN_CHECK(runs::is_checkpoint(o.target), o.target,
                   ": not a checkpoint of wavetwin train; expected a file it wrote (RUN/last.pt, best.pt, epoch-N.pt)");
  }
  if (fs::is_regular_file(o.target)) t.checkpoint = o.target;
  if (o.model) t.spec = *o.model;
  if (o.data) t.dataset = *o.data;
  WAVETWIN_CHECK(!t.dataset.empty(), o.target, ": no dataset recorded; expected --data");
  // A checkpoint file alone: the input size of the recipe such data is trained with (cifar10-resnet's 32 for the
  // small-image datasets, the ImageNet recipes' 224 for image folders).
  if (!t.run) t.size = data::parse_data_spec(t.dataset).kind == data::DataKind::kFolder ? 224 : 32;
  if (o.size) t.size = *o.size;
  if (o.holdout) t.holdout = o.holdout;
  return t;
}

std::vector<int32_t> image_indices(const torch::Tensor& indices) {
  const torch::Tensor i = indices.to(torch::kInt32).contiguous();
  return std::vector<int32_t>(i.data_ptr<int32_t>(), i.data_ptr<int32_t>() + i.numel());
}

std::vector<double> doubles(const torch::Tensor& values) {
  const torch::Tensor v = values.to(torch::kFloat64).contiguous();
  return std::vector<double>(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
}

// The intervals of each direction's mean KL (k >= 1) and mean flip rate: per image, the mean over the shifts
// and the steps, resampled.
void summary_intervals(std::vector<ShiftSummary>& summaries, const ImageShiftValues& kl,
                       const ImageShiftValues& flip_rates, const BootstrapOptions& options) {
  if (options.resamples == 0) return;
  for (ShiftSummary& summary : summaries) {
    const std::string name = data::shift_direction_name(summary.direction);
    const torch::Tensor per_image_kl = kl.kl.at(name), per_image_rates = flip_rates.flip_rates.at(name);
    // The KL and flip-rate passes score the same images in the same order: one resampling serves both.
    const torch::Tensor means = torch::cat(
        {per_image_kl.narrow(1, 1, per_image_kl.size(1) - 1).mean(1, true), per_image_rates.mean(1, true)}, 1);
    const std::vector<Interval> intervals = mean_intervals(means, options);
    summary.mean_kl_interval = intervals[0], summary.mean_flip_rate_interval = intervals[1];
  }
}

}  // namespace

void attach_intervals(std::vector<runs::Score>& scores, const BootstrapOptions& options) {
  std::map<std::vector<int32_t>, std::vector<size_t>> by_images;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!scores[i].per_image.empty()) by_images[scores[i].images].push_back(i);
  }
  for (const auto& [images, members] : by_images) {
    torch::Tensor values = torch::empty({static_cast<int64_t>(members.size()), static_cast<int64_t>(images.size())},
                                        torch::kFloat64);
    for (size_t m = 0; m < members.size(); ++m) {
      values[static_cast<int64_t>(m)].copy_(torch::tensor(scores[members[m]].per_image, torch::kFloat64));
    }
    const std::vector<Interval> intervals = mean_intervals(values.t(), options);
    for (size_t m = 0; m < members.size(); ++m) {
      scores[members[m]].low = intervals[m].low, scores[members[m]].high = intervals[m].high;
    }
  }
}

EvaluateRunResult evaluate_run(const EvaluateRunOptions& o) {
  WAVETWIN_CHECK(!o.protocols.empty(),
                 "--mode: none given; expected onecrop, tencrops, shifts, consistency, circular or all");
  WAVETWIN_CHECK(!o.pixel_divide || (*o.pixel_divide >= 1 && *o.pixel_divide <= 8), "--pixel-divide ",
                 o.pixel_divide.value_or(0), "; expected 1 or 2");
  WAVETWIN_CHECK(o.bootstrap.resamples >= 0, "--resamples ", o.bootstrap.resamples,
                 "; expected >= 0 (0: no confidence intervals)");
  WAVETWIN_CHECK(o.bootstrap.level > 0 && o.bootstrap.level < 1, "--confidence ", o.bootstrap.level,
                 "; expected a level in (0, 1), such as 0.95");
  std::unique_ptr<runs::RunStore> store;
  if (fs::exists(o.store)) store = std::make_unique<runs::RunStore>(o.store);
  const Target target = resolve_target(o, store.get());

  data::DataOptions data_options;
  data_options.strict = o.strict;
  data_options.cache_dir = o.cache;
  data_options.holdout_per_class = target.holdout;
  const data::DataSplits data = data::open_data(target.dataset, data_options);
  const bool test = o.split == runs::Split::kTest;
  const auto dataset = test ? data.test : data.val;
  WAVETWIN_CHECK(dataset && dataset->size() > 0, target.dataset, ": no ", runs::split_name(o.split),
                 " part; expected ", test ? "--split val" : "a dataset with a held-out validation part");

  models::ModelSpec spec = models::parse_model_spec(target.spec);
  spec.classes = static_cast<int64_t>(dataset->classes().size());
  spec.in_channels = dataset->channels();
  const auto model = models::make_model(spec);
  const runs::TrainState state = runs::load_checkpoint(target.checkpoint, *model, nullptr);
  model->to(o.device);

  EvaluateRunResult result;
  result.run = target.run;
  result.store = o.store;
  result.checkpoint = target.checkpoint, result.spec = spec.readable(), result.dataset = target.dataset;
  result.split = o.split, result.epoch = state.epoch, result.size = target.size;
  result.evenly_spaced = o.limit.has_value();
  result.images = o.limit ? std::min(*o.limit, dataset->size()) : dataset->size();
  if (o.on_start) o.on_start(result);

  // A score, with the per-image values (N) of the images `indices` it is the mean of, if any.
  const auto score = [&](runs::Metric metric, double value, std::optional<data::ShiftDirection> direction = {},
                         std::optional<int64_t> step = {}, const torch::Tensor& indices = {},
                         const torch::Tensor& per_image = {}) {
    runs::Score s;
    s.checkpoint = target.checkpoint, s.split = o.split, s.metric = metric, s.direction = direction, s.step = step;
    s.value = value;
    if (indices.defined()) s.images = image_indices(indices), s.per_image = doubles(per_image);
    result.scores.push_back(std::move(s));
  };
  // KL per direction and shift index k, flip rates per direction and step s.
  const auto score_series = [&](runs::Metric kl_metric, const std::map<std::string, std::vector<double>>& kl,
                                const ImageShiftValues& kl_images, runs::Metric rate_metric,
                                const DirectionalFlipRates& rates, const ImageShiftValues& rate_images) {
    for (const auto& [name, values] : kl) {
      const data::ShiftDirection direction = data::parse_shift_direction(name);
      for (size_t k = 0; k < values.size(); ++k) {
        const auto i = static_cast<int64_t>(k);
        score(kl_metric, values[k], direction, i, kl_images.indices, kl_images.kl.at(name).select(1, i));
      }
      const auto& steps = rates.at(name);
      for (size_t s = 0; s < steps.size(); ++s) {
        const auto i = static_cast<int64_t>(s);
        score(rate_metric, steps[s], direction, i + 1, rate_images.indices,
              rate_images.flip_rates.at(name).select(1, i));
      }
    }
  };
  const auto progress = [&](const std::string& label) -> std::function<void(int64_t, int64_t)> {
    if (!o.progress) return {};
    return [&o, label](int64_t done, int64_t total) { o.progress(label, done, total); };
  };
  PredictOptions predict;
  predict.batch = o.batch;
  predict.device = o.device;
  predict.limit = o.limit.value_or(0);
  predict.strict = o.strict;
  predict.shard = o.shard;

  for (const Protocol protocol : ordered(o.protocols)) {
    predict.progress = progress(protocol_name(protocol));
    if (protocol == Protocol::kOnecrop || protocol == Protocol::kTencrops) {
      const bool one = protocol == Protocol::kOnecrop;
      CropOptions crop;
      crop.size = target.size;
      crop.resize = one ? o.onecrop_resize : o.tencrops_resize;
      const TopK e = one ? evaluate_onecrop(*model, *dataset, crop, predict, &result.failures)
                         : evaluate_tencrops(*model, *dataset, crop, predict, &result.failures);
      score(one ? runs::Metric::kOnecropTop1 : runs::Metric::kTencropsTop1, e.top1, {}, {}, e.indices,
            e.wrong.select(1, 0));
      score(one ? runs::Metric::kOnecropTop5 : runs::Metric::kTencropsTop5, e.top5, {}, {}, e.indices,
            e.wrong.select(1, 1));
      (one ? result.onecrop : result.tencrops) = e;
    } else if (protocol == Protocol::kShifts) {
      ShiftOptions shift;
      shift.size = target.size, shift.max_shift = o.max_shift, shift.directions = o.directions;
      shift.max_step = o.max_step, shift.reference_quirks = o.reference_quirks;
      PredictOptions shift_predict = predict;
      if (o.shift_limit) shift_predict.limit = *o.shift_limit;
      // The papers' protocol: KL on half-pixel steps (p = 2), flip rates on one-pixel steps (p = 1).
      const int64_t kl_divide = o.pixel_divide.value_or(kKlPixelDivide);
      const int64_t fr_divide = o.pixel_divide.value_or(kFlipRatePixelDivide);
      shift.pixel_divide = kl_divide;
      const ShiftScores kl = evaluate_shifts(*model, *dataset, shift, shift_predict, &result.failures);
      ShiftScores fr = kl;
      if (fr_divide != kl_divide) {
        shift.pixel_divide = fr_divide;
        shift_predict.progress = progress("flip rates");
        fr = evaluate_shifts(*model, *dataset, shift, shift_predict, &result.failures);
      }
      result.kl_pixel_divide = kl_divide, result.flip_rate_pixel_divide = fr_divide;
      score(runs::Metric::kKlPixelDivide, static_cast<double>(kl_divide));
      score(runs::Metric::kFlipRatePixelDivide, static_cast<double>(fr_divide));
      score(runs::Metric::kReferenceQuirks, o.reference_quirks ? 1 : 0);
      score_series(runs::Metric::kKl, kl.kl, kl.per_image, runs::Metric::kFlipRate, fr.flip_rates, fr.per_image);
      result.shifts = shift_summaries(kl.kl, fr.flip_rates);
      summary_intervals(result.shifts, kl.per_image, fr.per_image, o.bootstrap);
    } else if (protocol == Protocol::kConsistency) {
      ConsistencyOptions c;
      c.size = target.size, c.seed = o.seed;
      const ConsistencyScores agreed = evaluate_consistency(*model, *dataset, c, predict, &result.failures);
      result.consistency = agreed.consistency;
      score(runs::Metric::kConsistency, agreed.consistency, {}, {}, agreed.indices, agreed.agree);
    } else {
      CircularOptions c;
      c.size = target.size, c.resize = o.onecrop_resize, c.max_shift = o.max_shift, c.max_step = o.max_step;
      c.directions = o.directions, c.seed = o.seed;
      PredictOptions circular_predict = predict;
      if (o.shift_limit) circular_predict.limit = *o.shift_limit;
      const CircularScores circular = evaluate_circular(*model, *dataset, c, circular_predict, &result.failures);
      score_series(runs::Metric::kCircularKl, circular.kl, circular.per_image, runs::Metric::kCircularFlipRate,
                   circular.flip_rates, circular.per_image);
      score(runs::Metric::kCircularConsistency, circular.consistency, {}, {}, circular.per_image.indices,
            circular.agree);
      result.circular_shifts = shift_summaries(circular.kl, circular.flip_rates);
      summary_intervals(result.circular_shifts, circular.per_image, circular.per_image, o.bootstrap);
      result.circular_consistency = circular.consistency;
    }
  }
  if (o.bootstrap.resamples > 0) {
    attach_intervals(result.scores, o.bootstrap);
    result.confidence_level = o.bootstrap.level;
  }
  if (target.run && o.shard.rank == 0) {
    store->put_scores(target.run->id, result.scores);
    result.recorded = true;
  }
  return result;
}

}  // namespace wavetwin::eval
