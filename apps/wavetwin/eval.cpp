// apps/wavetwin/eval.cpp: `wavetwin eval`: one-crop and ten-crop accuracy, KL and flip rates on shifted
// windows, random-shift consistency of a run's checkpoint; the scores go into the run store.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/accuracy.h"
#include "wavetwin/eval/shift_eval.h"
#include "wavetwin/models/model.h"
#include "wavetwin/train/checkpoint.h"
#include "wavetwin/train/run_store.h"

namespace wavetwin::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kModes{"onecrop", "tencrops", "shifts", "consistency"};

// What is evaluated: a run's checkpoint (scores recorded) or a checkpoint file with its model spec.
struct Target {
  std::optional<train::RunRecord> run;
  std::string spec, checkpoint, dataset;
  int64_t size = 0, holdout = -1;
};

std::string run_checkpoint(const train::RunStore& store, const train::RunRecord& run, const std::string& which) {
  std::string kinds;
  for (const auto& c : store.checkpoints(run.id)) {
    const std::string name = c.kind == "epoch" ? "epoch-" + std::to_string(c.epoch) : c.kind;
    if (name == which) return c.path;
    kinds += (kinds.empty() ? "" : ", ") + name;
  }
  WAVETWIN_FAIL("--checkpoint ", which, ": run ", run.name, " has no such checkpoint; expected one of ",
                kinds.empty() ? "(none: the run has not finished an epoch)" : kinds);
}

Target resolve_target(const EvalArgs& a, const train::RunStore* store) {
  Target t;
  if (store) {
    if (auto run = store->find(a.target)) {
      t.run = run;
      t.spec = run->spec, t.dataset = run->dataset;
      t.checkpoint = run_checkpoint(*store, *run, a.checkpoint);
    } else if (fs::is_regular_file(a.target)) {
      // A checkpoint file of a recorded run keeps its scores with the run.
      for (const auto& r : store->list()) {
        for (const auto& c : store->checkpoints(r.id)) {
          std::error_code error;
          if (fs::equivalent(c.path, a.target, error)) {
            t.run = r, t.spec = r.spec, t.dataset = r.dataset;
          }
        }
      }
    }
  }
  if (!t.run) {
    WAVETWIN_CHECK(fs::is_regular_file(a.target), a.target, ": neither a run in ", a.store,
                   " nor a checkpoint file; expected a run name (see `wavetwin runs list`) or a .pt file");
    WAVETWIN_CHECK(!a.model.empty(), a.target, ": a checkpoint outside the run store; expected --model SPEC too");
  }
  if (t.run) {
    t.size = train::json_integer(t.run->options, "size").value_or(0);
    t.holdout = train::json_integer(t.run->options, "holdout").value_or(-1);
  }
  if (fs::is_regular_file(a.target)) t.checkpoint = a.target;
  if (!a.model.empty()) t.spec = a.model;
  if (!a.data.empty()) t.dataset = a.data;
  WAVETWIN_CHECK(!t.dataset.empty(), a.target, ": no dataset recorded; expected --data");
  if (a.size > 0) t.size = a.size;
  if (a.holdout >= -1) t.holdout = a.holdout;
  if (t.size <= 0) t.size = 224;
  return t;
}

// A progress callback for predict_views, its line created at the first call (when the total is known) and
// timed from now, when the work starts.
std::function<void(int64_t, int64_t)> progress_line(const std::string& what) {
  auto line = std::make_shared<std::unique_ptr<ProgressLine>>();
  const auto start = std::chrono::steady_clock::now();
  return [line, what, start](int64_t done, int64_t total) {
    if (!*line) *line = std::make_unique<ProgressLine>("eval " + what, static_cast<size_t>(total), start);
    (*line)->update(static_cast<size_t>(done));
  };
}

std::vector<std::string> expand_modes(const std::vector<std::string>& modes) {
  std::set<std::string> chosen;
  for (const auto& m : modes) {
    if (m == "all") {
      chosen.insert(kModes.begin(), kModes.end());
      continue;
    }
    WAVETWIN_CHECK(std::find(kModes.begin(), kModes.end(), m) != kModes.end(), "--mode ", m,
                   ": unknown; expected onecrop, tencrops, shifts, consistency or all");
    chosen.insert(m);
  }
  std::vector<std::string> ordered;
  for (const auto& m : kModes) {
    if (chosen.count(m)) ordered.push_back(m);
  }
  return ordered;
}

}  // namespace

void run_eval(const EvalArgs& a) {
  if (a.threads > 0) at::set_num_threads(static_cast<int>(a.threads));
  const std::vector<std::string> modes = expand_modes(a.modes);
  WAVETWIN_CHECK(a.split == "test" || a.split == "val", "--split ", a.split, "; expected test or val");
  const torch::Device device = parse_device(a.device);
  WAVETWIN_CHECK(a.pixel_divide >= 0 && a.pixel_divide <= 8, "--pixel-divide ", a.pixel_divide, "; expected 1 or 2");
  std::vector<data::ShiftDirection> directions;
  for (const auto& d : a.directions) directions.push_back(data::parse_shift_direction(d));

  std::unique_ptr<train::RunStore> store;
  if (fs::exists(a.store)) store = std::make_unique<train::RunStore>(a.store);
  const Target target = resolve_target(a, store.get());

  data::DataOptions data_options;
  data_options.strict = a.strict;
  data_options.cache_dir = a.cache;
  data_options.holdout_per_class = target.holdout;
  const data::DataSplits data = data::open_data(target.dataset, data_options);
  const auto dataset = a.split == "test" ? data.test : data.val;
  WAVETWIN_CHECK(dataset && dataset->size() > 0, target.dataset, ": no ", a.split, " part; expected ",
                 a.split == "test" ? "--split val" : "a dataset with a held-out validation part");

  models::ModelSpec spec = models::parse_model_spec(target.spec);
  spec.classes = static_cast<int64_t>(dataset->classes().size());
  spec.in_channels = dataset->channels();
  const auto model = models::make_model(spec);
  const train::TrainState state = train::load_checkpoint(target.checkpoint, *model, nullptr);
  model->to(device);
  std::printf("eval %s (%s, epoch %lld) on %s %s: %lld images%s, size %lld\n", target.checkpoint.c_str(),
              spec.readable().c_str(), static_cast<long long>(state.epoch), target.dataset.c_str(), a.split.c_str(),
              static_cast<long long>(a.limit > 0 ? std::min(a.limit, dataset->size()) : dataset->size()),
              a.limit > 0 ? " (evenly spaced)" : "", static_cast<long long>(target.size));
  std::fflush(stdout);

  std::vector<train::ScoreRecord> scores;
  const std::string prefix = a.split + "/";
  auto score = [&](const std::string& metric, double value) { scores.push_back({target.checkpoint, prefix + metric, value}); };
  std::vector<data::LoadFailure> failures;
  eval::PredictOptions predict;
  predict.batch = a.batch;
  predict.device = device;
  predict.limit = a.limit;
  predict.strict = a.strict;

  for (const auto& mode : modes) {
    predict.progress = progress_line(mode);
    if (mode == "onecrop" || mode == "tencrops") {
      eval::CropOptions crop;
      crop.size = target.size;
      crop.resize = mode == "onecrop" ? a.onecrop_resize : a.tencrops_resize;
      const eval::TopK e = mode == "onecrop" ? eval::evaluate_onecrop(*model, *dataset, crop, predict, &failures)
                                             : eval::evaluate_tencrops(*model, *dataset, crop, predict, &failures);
      score(mode + "_top1", e.top1);
      score(mode + "_top5", e.top5);
      std::printf("%-9s top-1 error %.2f %%, top-5 error %.2f %% (%lld images)\n", mode.c_str(), e.top1, e.top5,
                  static_cast<long long>(e.images));
    } else if (mode == "shifts") {
      eval::ShiftOptions shift;
      shift.size = target.size, shift.max_shift = a.max_shift, shift.directions = directions;
      shift.max_step = a.max_step, shift.reference_quirks = a.reference_quirks;
      eval::PredictOptions shift_predict = predict;
      if (a.shift_limit > 0) shift_predict.limit = a.shift_limit;
      // The papers' protocol: KL on half-pixel steps (p = 2), flip rates on one-pixel steps (p = 1).
      const int64_t kl_divide = a.pixel_divide > 0 ? a.pixel_divide : 2;
      const int64_t fr_divide = a.pixel_divide > 0 ? a.pixel_divide : 1;
      shift.pixel_divide = kl_divide;
      const eval::ShiftScores kl = eval::evaluate_shifts(*model, *dataset, shift, shift_predict, &failures);
      eval::ShiftScores fr = kl;
      if (fr_divide != kl_divide) {
        shift.pixel_divide = fr_divide;
        shift_predict.progress = progress_line("flip rates");
        fr = eval::evaluate_shifts(*model, *dataset, shift, shift_predict, &failures);
      }
      score("kl/pixel_divide", static_cast<double>(kl_divide));
      score("fr/pixel_divide", static_cast<double>(fr_divide));
      score("shifts/reference_quirks", a.reference_quirks ? 1 : 0);
      for (const auto& [direction, values] : kl.kl) {
        double mean = 0;
        for (size_t k = 0; k < values.size(); ++k) {
          score("kl/" + direction + "/" + std::to_string(k), values[k]);
          mean += values[k] / static_cast<double>(values.size() - 1);
        }
        const auto& rates = fr.flip_rates.at(direction);
        double mean_rate = 0;
        for (size_t s = 0; s < rates.size(); ++s) {
          score("fr/" + direction + "/" + std::to_string(s + 1), rates[s]);
          mean_rate += rates[s] / static_cast<double>(rates.size());
        }
        std::printf("shifts    %-10s mean KL %.5f (p = %lld), mean flip rate %.2f %% (p = %lld, %zu steps)\n",
                    direction.c_str(), mean, static_cast<long long>(kl_divide), 100 * mean_rate,
                    static_cast<long long>(fr_divide), rates.size());
      }
    } else {
      eval::ConsistencyOptions c;
      c.size = target.size, c.seed = static_cast<uint64_t>(a.seed);
      const double agree = eval::evaluate_consistency(*model, *dataset, c, predict, &failures);
      score("consistency", agree);
      std::printf("consistency %.2f %% of top-1 predictions agree on two random shifts\n", agree);
    }
    std::fflush(stdout);
  }
  if (!failures.empty()) {
    std::fprintf(stderr, "eval: %zu image evaluations skipped (undecodable), the first: %s: %s\n", failures.size(),
                 failures.front().file.c_str(), failures.front().reason.c_str());
  }
  if (target.run) {
    for (const auto& s : scores) store->put_score(target.run->id, s);
    std::printf("%zu scores recorded for run %s in %s\n", scores.size(), target.run->name.c_str(), a.store.c_str());
  }
}

Runner add_eval(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  CLI::App* sub = app.add_subcommand("eval", "Evaluate a run's checkpoint: accuracy, shift consistency; scores into the run store");
  sub->add_option("target", a->target, "A run name (its --checkpoint) or a checkpoint file (with --model)")->required();
  sub->add_option("--mode", a->modes, "onecrop, tencrops, shifts, consistency or all (repeatable)")->capture_default_str();
  sub->add_option("--checkpoint", a->checkpoint, "Which checkpoint of the run: best, last or epoch-N")->capture_default_str();
  sub->add_option("--model", a->model, "Model spec, for a checkpoint file outside the run store");
  sub->add_option("--data", a->data, "Dataset (default: the run's)");
  sub->add_option("--split", a->split, "test or val (the held-out part of the training set)")->capture_default_str();
  sub->add_option("--size", a->size, "Input size (default: the run's recipe's)");
  sub->add_option("--holdout", a->holdout, "Validation images held out per class (default: the run's; -1: the reference's split)");
  sub->add_option("--onecrop-resize", a->onecrop_resize, "One-crop: shorter side before the centre crop (default: the size, as the reference; 256 is usual)");
  sub->add_option("--tencrops-resize", a->tencrops_resize, "Ten crops: shorter side (default: 256 for 224, 36 for 32)");
  sub->add_option("--max-shift", a->max_shift, "Shifts: largest shift M in pixels")->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_option("--pixel-divide", a->pixel_divide, "Shifts: frames 1/p pixel apart for both KL and flip rates (default: the papers', KL at p = 2, flip rates at p = 1)")->check(CLI::Range(1, 4));
  sub->add_option("--directions", a->directions, "Shifts: vertical, horizontal, diagonal")->delimiter(',')->capture_default_str();
  sub->add_option("--max-step", a->max_step, "Shifts: flip rates for steps 1..S (default: 8 for ImageNet sizes, 4 for CIFAR-10)");
  sub->add_flag("--reference-quirks", a->reference_quirks, "Shifts: leave the windows unnormalised, as the reference (reproduces its numbers)");
  sub->add_option("--limit", a->limit, "Evaluate N images, evenly spaced over the split (0: all)")->check(CLI::NonNegativeNumber);
  sub->add_option("--shift-limit", a->shift_limit, "Shifts: N images (default: --limit)")->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", a->seed, "Consistency: seed of the random shifts");
  sub->add_option("--batch", a->batch, "Inputs per forward pass")->capture_default_str()->check(CLI::Range(1, 65536));
  sub->add_option("--threads", a->threads, "Compute threads (default: all cores)");
  sub->add_option("--device", a->device, "cpu, or cuda when built against a CUDA libtorch")->capture_default_str();
  sub->add_option("--store", a->store, "Run store (SQLite)")->capture_default_str();
  sub->add_option("--cache", a->cache, "Folder for decoded-dataset caches (default: beside the data)");
  sub->add_flag("--strict", a->strict, "Stop at the first corrupt image instead of skipping it");
  return [sub, a] {
    if (sub->parsed()) run_eval(*a);
  };
}

}  // namespace wavetwin::cli
