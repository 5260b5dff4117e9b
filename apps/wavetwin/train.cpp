// apps/wavetwin/train.cpp: `wavetwin train`: flags to train::TrainRunOptions, the run's epochs printed.
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <sstream>

#include <filesystem>

#include "commands.h"
#include "distributed.h"
#include "output.h"
#include "print.h"
#include "wavetwin/error.h"
#include "wavetwin/report/runs_report.h"

namespace wavetwin::cli {
namespace {

struct TrainFlags {
  train::TrainRunOptions options;
  std::optional<std::string> schedule, lambdas;
  std::optional<int64_t> holdout;
  std::optional<int64_t> seed, seeds;
  std::optional<std::string> device;
  bool sync_batch_norm = false;
  DistributedFlags distributed;
};

std::vector<double> parse_numbers(const std::string& text, const std::string& option) {
  std::vector<double> values;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    try {
      values.push_back(std::stod(part));
    } catch (const std::exception&) {
      WAVETWIN_FAIL(option, " ", text, "; expected comma-separated numbers");
    }
  }
  return values;
}

void print_seeds(const std::vector<train::TrainRunResult>& results);

void run(TrainFlags& f) {
  train::TrainRunOptions& o = f.options;
  if (launch_ranks(f.distributed, (std::filesystem::path(o.store).parent_path() / "logs").string())) return;
  const std::unique_ptr<dist::World> world = join_world(f.distributed, o.threads);
  o.world = world.get();
  if (f.schedule) o.overrides.schedule = train::parse_schedule(*f.schedule);
  if (f.lambdas) o.overrides.lambdas = parse_numbers(*f.lambdas, "--lambdas");
  // --holdout -1 asks for the dataset's reference split, which every preset uses.
  if (f.holdout && *f.holdout >= 0) o.overrides.holdout = f.holdout;
  if (o.train_images == 0) o.train_images.reset();  // --train-images 0: all, as the flag always meant
  if (f.seed) o.seed = static_cast<uint64_t>(*f.seed);
  if (f.device) o.device = parse_device(*f.device);
  if (f.sync_batch_norm) o.sync_batch_norm = true;
  // torchrun counts the group's restarts (--max-restarts): a restarted group continues from the checkpoint.
  const char* restarts = std::getenv("TORCHELASTIC_RESTART_COUNT");
  o.restart = restarts != nullptr && std::atoi(restarts) > 0;
  o.on_start = print_train_start;
  o.progress = training_progress();
  o.warn = warnings("train");
  stop_on_signals();
  const std::vector<train::TrainRunResult> results =
      f.seeds ? train::train_seeds(o, *f.seeds) : std::vector<train::TrainRunResult>{train::train_run(o)};
  for (const auto& result : results) {
    if (!world || world->rank() == 0) {
      print_trained(result);
    } else {
      std::printf("rank %lld of %lld: trained to epoch %lld\n", static_cast<long long>(world->rank()),
                  static_cast<long long>(world->size()), static_cast<long long>(result.state.epoch));
    }
  }
  if (f.seeds && (!world || world->rank() == 0)) print_seeds(results);
}

// The best validation errors across the seeds' runs: their spread is the variation of training.
void print_seeds(const std::vector<train::TrainRunResult>& results) {
  std::vector<double> errors;
  for (const auto& r : results) {
    if (r.state.best_val_top1 <= 100) errors.push_back(r.state.best_val_top1);  // 101: never validated
  }
  std::printf("%zu seeds:", results.size());
  for (const auto& r : results) std::printf(" %s", r.run.name.c_str());
  if (!errors.empty()) {
    const report::SeedSpread spread = report::spread_of(errors);
    std::printf("; best val top-1 %.2f ± %.2f %% (mean ± sd)", spread.mean, spread.sd);
  }
  std::printf("; `wavetwin eval` each, then `wavetwin report` gives every score across the seeds\n");
  std::fflush(stdout);
}

}  // namespace

void print_train_start(const train::TrainRunStart& s) {
  std::printf("run %s: %s on %s (%lld training, %lld validation images), recipe %s, from epoch %lld of %lld\n",
              s.name.c_str(), s.spec.c_str(), s.dataset.c_str(), static_cast<long long>(s.train_images),
              static_cast<long long>(s.val_images), s.recipe.c_str(), static_cast<long long>(s.first_epoch),
              static_cast<long long>(s.epochs));
  std::fflush(stdout);
}

void print_trained(const train::TrainRunResult& r) {
  for (const auto& e : r.epochs) {
    std::printf("epoch %3lld  lr %.4g  loss %.4f  val top-1 %.2f %%  top-5 %.2f %%  %.1f s  %.0f images/s\n",
                static_cast<long long>(e.epoch), e.lr, e.train_loss, e.val_top1.value_or(NAN),
                e.val_top5.value_or(NAN), e.seconds, e.images_per_second);
  }
  std::printf("best epoch %lld (val top-1 %.2f %%); checkpoints in %s; store %s\n",
              static_cast<long long>(r.state.best_epoch), r.state.best_val_top1, r.checkpoint_dir.c_str(),
              r.store.c_str());
  std::fflush(stdout);
}

Runner add_train(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  train::TrainRunOptions& o = f->options;
  train::RecipeOverrides& r = o.overrides;
  CLI::App* sub = app.add_subcommand("train", "Train a model of the zoo on a dataset; recorded in the run store");
  sub->add_option("model", o.model,
                  "A papers' name (R18wyC_mod) or readable spec (\"resnet18 --twin cmod\"); resuming: the run's");
  add_optional(sub, "--data", o.data,
               "fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH (default: fashion-mnist; resuming: the run's)");
  add_optional(sub, "--recipe", o.recipe,
               "imagenet-alexnet, imagenet-resnet or cifar10-resnet (default: cifar10-resnet; resuming: the run's)");
  add_optional(sub, "--epochs", r.epochs, "Epochs (default: the recipe's)")->check(kPositive);
  add_optional(sub, "--lr", r.lr, "Initial learning rate")->check(kPositive);
  add_optional(sub, "--momentum", r.momentum, "SGD momentum, 0 <= m < 1")->check(kNonNegative);
  add_optional(sub, "--weight-decay", r.weight_decay, "Weight decay")->check(kNonNegative);
  add_optional(sub, "--schedule", f->schedule, "step, cosine or constant");
  add_optional(sub, "--step", r.step, "Epochs between learning-rate steps (step schedule)")->check(kPositive);
  add_optional(sub, "--gamma", r.gamma, "Learning-rate factor at each step")->check(kPositive);
  add_optional(sub, "--warmup", r.warmup, "Epochs of linear warm-up")->check(kNonNegative);
  add_optional(sub, "--batch", r.batch, "Images per optimiser step")->check(kPositive);
  add_optional(sub, "--accumulate", r.accumulate, "Sub-batches per step (gradient accumulation)")->check(kPositive);
  add_optional(sub, "--size", r.size, "Crop size")->check(CLI::Range(int64_t{8}, int64_t{65536}));
  add_optional(sub, "--crop-scale", r.crop_scale, "Smallest area fraction of a training crop (default: the recipe's, 0.08)");
  add_optional(sub, "--holdout", f->holdout, "Validation images held out per class (-1: the reference's split)")
      ->check(CLI::Range(int64_t{-1}, std::numeric_limits<int64_t>::max()));
  add_optional(sub, "--lambdas", f->lambdas, "Filter-selection penalty per twin mixing section, e.g. 0,0.0041,0.00032");
  add_optional(sub, "--train-images", o.train_images, "Train on this many images, evenly spaced over the training part (0: all)")
      ->check(kNonNegative);
  add_optional(sub, "--name", o.name, "Run name (default: MODEL-DATASET)");
  sub->add_option("--store", o.store, "Run store (SQLite); checkpoints go beside it in NAME/")->capture_default_str();
  sub->add_option("--cache", o.cache, "Folder for decoded-dataset caches (default: beside the data)");
  add_optional(sub, "--seed", f->seed, "Seed of the initialisation, the shuffles and the augmentation (default: 0)")
      ->check(kNonNegative);
  add_optional(sub, "--seeds", f->seeds,
               "Train N runs of the recipe, seeds --seed .. --seed + N - 1, named NAME-seedS (NAME: --name or "
               "MODEL-DATASET); the report gives their spread")
      ->check(kPositive);
  sub->add_option("--threads", o.threads, "Compute threads (default: all cores, divided among the local ranks)")
      ->check(kNonNegative);
  sub->add_option("--loader-threads", o.loader_threads, "Data-loading threads (default: all cores)")->check(kNonNegative);
  add_optional(sub, "--keep-every", o.keep_every, "Also keep the checkpoint of every Nth epoch")->check(kNonNegative);
  add_optional(sub, "--stop-after", o.stop_after, "Stop after N epochs in this call (resume later)")->check(kPositive);
  add_optional(sub, "--device", f->device, "cpu, or cuda when built against a CUDA libtorch (default: cpu)");
  sub->add_flag("--resume", o.resume,
                "Continue the run NAME from its last checkpoint, with its recorded options (a larger --epochs extends it)");
  sub->add_flag("--strict", o.strict, "Stop at the first corrupt image instead of skipping it");
  sub->add_flag("--sync-bn", f->sync_batch_norm,
                "On several ranks: batch normalisation with the whole batch's statistics (default: each rank's own)");
  add_distributed_flags(sub, f->distributed);
  return [sub, f] {
    if (sub->parsed()) run(*f);
  };
}

}  // namespace wavetwin::cli
