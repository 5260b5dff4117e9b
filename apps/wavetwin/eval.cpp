// apps/wavetwin/eval.cpp: `wavetwin eval`: flags to eval::EvaluateRunOptions, the scores printed.
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include <filesystem>

#include "commands.h"
#include "distributed.h"
#include "output.h"
#include "print.h"
#include "wavetwin/eval/comparison.h"
#include "wavetwin/error.h"

namespace wavetwin::cli {
namespace {

struct EvalFlags {
  eval::EvaluateRunOptions options;
  std::vector<std::string> modes{"all"};
  std::vector<std::string> directions{"vertical", "horizontal", "diagonal"};
  std::string split = "test", device = "cpu";
  std::optional<int64_t> holdout;
  int64_t limit = 0, shift_limit = 0, seed = 0, threads = 0;
  DistributedFlags distributed;
};

void run(EvalFlags& f) {
  eval::EvaluateRunOptions& o = f.options;
  if (launch_ranks(f.distributed, (std::filesystem::path(o.store).parent_path() / "logs").string())) return;
  const std::unique_ptr<dist::World> world = join_world(f.distributed, f.threads);
  if (world) o.shard = dist::evaluation_shard(*world);
  if (f.threads > 0) at::set_num_threads(static_cast<int>(f.threads));
  o.protocols.clear();
  for (const auto& m : f.modes) {
    if (m == "all") {
      o.protocols = eval::all_protocols();
      break;
    }
    o.protocols.push_back(eval::parse_protocol(m));
  }
  o.split = runs::parse_split(f.split, "--split");
  o.device = parse_device(f.device);
  o.directions.clear();
  for (const auto& d : f.directions) o.directions.push_back(data::parse_shift_direction(d));
  // --holdout -1 asks for the dataset's reference split.
  if (f.holdout) o.holdout = *f.holdout >= 0 ? f.holdout : std::nullopt;
  if (f.limit > 0) o.limit = f.limit;
  if (f.shift_limit > 0) o.shift_limit = f.shift_limit;
  o.seed = o.bootstrap.seed = static_cast<uint64_t>(f.seed);
  o.on_start = print_eval_start;
  o.progress = progress_lines("eval");
  print_evaluated(eval::evaluate_run(o));
}

}  // namespace

void print_eval_start(const eval::EvaluateRunResult& r) {
  std::printf("eval %s (%s, epoch %lld) on %s %s: %lld images%s, size %lld\n", r.checkpoint.c_str(), r.spec.c_str(),
              static_cast<long long>(r.epoch), r.dataset.c_str(), runs::split_name(r.split).c_str(),
              static_cast<long long>(r.images), r.evenly_spaced ? " (evenly spaced)" : "",
              static_cast<long long>(r.size));
  std::fflush(stdout);
}

namespace {

// " [low, high]" with `decimals` decimals, times `scale`; empty without an interval.
std::string interval_text(const eval::Interval& interval, int decimals, double scale = 1) {
  if (std::isnan(interval.low)) return "";
  char text[96];
  std::snprintf(text, sizeof text, " [%.*f, %.*f]", decimals, scale * interval.low, decimals, scale * interval.high);
  return text;
}

}  // namespace

void print_evaluated(const eval::EvaluateRunResult& r) {
  using runs::Metric;
  const auto interval_of = [&r](Metric metric) { return eval::recorded_interval(r.scores, r.split, metric); };
  for (const auto& [name, e] : {std::pair{"onecrop", r.onecrop}, std::pair{"tencrops", r.tencrops}}) {
    if (e) {
      const bool one = std::string(name) == "onecrop";
      std::printf("%-9s top-1 error %.2f %%%s, top-5 error %.2f %%%s (%lld images)\n", name, e->top1,
                  interval_text(interval_of(one ? Metric::kOnecropTop1 : Metric::kTencropsTop1), 2).c_str(),
                  e->top5,
                  interval_text(interval_of(one ? Metric::kOnecropTop5 : Metric::kTencropsTop5), 2).c_str(),
                  static_cast<long long>(e->images));
    }
  }
  for (const auto& s : r.shifts) {
    std::printf("shifts    %-10s mean KL %.5f%s (p = %lld), mean flip rate %.2f %%%s (p = %lld, %lld steps)\n",
                data::shift_direction_name(s.direction).c_str(), s.mean_kl, interval_text(s.mean_kl_interval, 5).c_str(),
                static_cast<long long>(r.kl_pixel_divide), 100 * s.mean_flip_rate,
                interval_text(s.mean_flip_rate_interval, 2, 100).c_str(),
                static_cast<long long>(r.flip_rate_pixel_divide), static_cast<long long>(s.steps));
  }
  if (r.consistency) {
    std::printf("consistency %.2f %%%s of top-1 predictions agree on two random shifts\n", *r.consistency,
                interval_text(interval_of(Metric::kConsistency), 2).c_str());
  }
  for (const auto& s : r.circular_shifts) {
    std::printf("circular  %-10s mean KL %.5f%s, mean flip rate %.2f %%%s (%lld steps)\n",
                data::shift_direction_name(s.direction).c_str(), s.mean_kl, interval_text(s.mean_kl_interval, 5).c_str(),
                100 * s.mean_flip_rate, interval_text(s.mean_flip_rate_interval, 2, 100).c_str(),
                static_cast<long long>(s.steps));
  }
  if (r.circular_consistency) {
    std::printf("circular consistency %.2f %%%s of top-1 predictions agree on two random circular shifts\n",
                *r.circular_consistency, interval_text(interval_of(Metric::kCircularConsistency), 2).c_str());
  }
  if (r.confidence_level > 0) {
    std::printf("[low, high]: %g %% percentile bootstrap intervals over the evaluated images\n",
                100 * r.confidence_level);
  }
  if (!r.failures.empty()) {
    std::fprintf(stderr, "eval: %zu image evaluations skipped (undecodable), the first: %s: %s\n", r.failures.size(),
                 r.failures.front().file.c_str(), r.failures.front().reason.c_str());
  }
  if (r.recorded) std::printf("%zu scores recorded for run %s in %s\n", r.scores.size(), r.run->name.c_str(), r.store.c_str());
  std::fflush(stdout);
}

Runner add_eval(CLI::App& app) {
  auto f = std::make_shared<EvalFlags>();
  eval::EvaluateRunOptions& o = f->options;
  CLI::App* sub = app.add_subcommand("eval", "Evaluate a run's checkpoint: accuracy, shift consistency; scores into the run store");
  sub->add_option("target", o.target, "A run name (its --checkpoint) or a checkpoint file (with --model)")->required();
  sub->add_option("--mode", f->modes, "onecrop, tencrops, shifts, consistency, circular (the shift measures under circular shifts) or all (repeatable)")->capture_default_str();
  sub->add_option("--checkpoint", o.checkpoint, "Which checkpoint of the run: best, last or epoch-N")->capture_default_str();
  add_optional(sub, "--model", o.model, "Model spec, for a checkpoint file outside the run store");
  add_optional(sub, "--data", o.data, "Dataset (default: the run's)");
  sub->add_option("--split", f->split, "test or val (the held-out part of the training set)")->capture_default_str();
  add_optional(sub, "--size", o.size, "Input size (default: the run's recipe's; a checkpoint file alone: 224 for folder: data, else 32)");
  add_optional(sub, "--holdout", f->holdout, "Validation images held out per class (default: the run's; -1: the reference's split)");
  sub->add_option("--onecrop-resize", o.onecrop_resize, "One-crop: shorter side before the centre crop (default: the size, as the reference; 256 is usual)");
  sub->add_option("--tencrops-resize", o.tencrops_resize, "Ten crops: shorter side (default: 256 for 224, 36 for 32)");
  sub->add_option("--max-shift", o.max_shift, "Shifts and circular shifts: largest shift M in pixels")->capture_default_str()->check(CLI::Range(1, 64));
  add_optional(sub, "--pixel-divide", o.pixel_divide, "Shifts: frames 1/p pixel apart for both KL and flip rates (default: the papers', KL at p = 2, flip rates at p = 1)")->check(CLI::Range(1, 4));
  sub->add_option("--directions", f->directions, "Shifts and circular shifts: vertical, horizontal, diagonal")->delimiter(',')->capture_default_str();
  sub->add_option("--max-step", o.max_step, "Shifts and circular shifts: flip rates for steps 1..S (default: 8 for ImageNet sizes, 4 for CIFAR-10)");
  sub->add_flag("--reference-quirks", o.reference_quirks, "Shifts: leave the windows unnormalised, as the reference (reproduces its numbers)");
  sub->add_option("--limit", f->limit, "Evaluate N images, evenly spaced over the split (0: all)")->check(kNonNegative);
  sub->add_option("--shift-limit", f->shift_limit, "Shifts and circular shifts: N images (default: --limit)")->check(kNonNegative);
  sub->add_option("--seed", f->seed, "Consistency (crop-based and circular): seed of the random shifts, and of the bootstrap");
  sub->add_option("--resamples", o.bootstrap.resamples, "Bootstrap resamples of the images for every score's confidence interval (0: no intervals)")->capture_default_str()->check(kNonNegative);
  sub->add_option("--confidence", o.bootstrap.level, "Confidence level of the intervals")->capture_default_str()->check(CLI::Range(0.5, 0.999));
  sub->add_option("--batch", o.batch, "Inputs per forward pass")->capture_default_str()->check(CLI::Range(1, 65536));
  sub->add_option("--threads", f->threads, "Compute threads (default: all cores)");
  sub->add_option("--device", f->device, "cpu, or cuda when built against a CUDA libtorch")->capture_default_str();
  sub->add_option("--store", o.store, "Run store (SQLite)")->capture_default_str();
  sub->add_option("--cache", o.cache, "Folder for decoded-dataset caches (default: beside the data)");
  sub->add_flag("--strict", o.strict, "Stop at the first corrupt image instead of skipping it");
  add_distributed_flags(sub, f->distributed);
  return [sub, f] {
    if (sub->parsed()) run(*f);
  };
}

}  // namespace wavetwin::cli
