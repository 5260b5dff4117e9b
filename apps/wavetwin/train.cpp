// apps/wavetwin/train.cpp: `wavetwin train`: train a model of the zoo on a dataset with a recipe, recorded in
// the run store, resumable.
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/models/model.h"
#include "wavetwin/train/run_store.h"
#include "wavetwin/train/trainer.h"

namespace wavetwin::cli {
namespace {


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

train::Recipe make_recipe(const TrainArgs& a) {
  train::Recipe r = train::preset(a.recipe);
  if (a.lr > 0) r.lr = a.lr;
  if (a.momentum >= 0) r.momentum = a.momentum;
  if (a.weight_decay >= 0) r.weight_decay = a.weight_decay;
  if (!a.schedule.empty()) r.schedule = train::parse_schedule(a.schedule);
  if (a.step > 0) r.step = a.step;
  if (a.gamma > 0) r.gamma = a.gamma;
  if (a.warmup >= 0) r.warmup = a.warmup;
  if (a.epochs > 0) r.epochs = a.epochs;
  if (a.batch > 0) r.batch = a.batch;
  if (a.accumulate > 0) r.accumulate = a.accumulate;
  if (a.size > 0) r.size = a.size;
  if (a.crop_scale > 0) r.crop_scale = a.crop_scale;
  if (a.holdout >= -1) r.holdout = a.holdout;
  if (!a.lambdas.empty()) r.lambdas = parse_numbers(a.lambdas, "--lambdas");
  train::validate(r);
  return r;
}

std::string options_json(const TrainArgs& a, const train::Recipe& r) {
  std::ostringstream out;
  out << "{\"recipe\": " << train::recipe_json(r) << ", \"seed\": " << a.seed << ", \"threads\": " << a.threads
      << ", \"loader_threads\": " << a.loader_threads << ", \"keep_every\": " << a.keep_every
      << ", \"train_images\": " << a.train_images
      << ", \"strict\": " << (a.strict ? "true" : "false") << ", \"device\": " << train::json_quote(a.device) << "}";
  return out.str();
}

// On a terminal one line redrawn in place; otherwise a plain line every 10% of an epoch.
std::function<void(const train::Progress&)> progress_display() {
  const bool tty = isatty(fileno(stderr));
  auto last_tenth = std::make_shared<int64_t>(-1);
  return [tty, last_tenth](const train::Progress& p) {
    if (p.validating) {
      std::fprintf(stderr, tty ? "\r\033[Kepoch %lld/%lld: validating...\n" : "epoch %lld/%lld: validating\n",
                   static_cast<long long>(p.epoch), static_cast<long long>(p.epochs));
      *last_tenth = -1;
      return;
    }
    const int64_t tenth = p.batch * 10 / std::max<int64_t>(1, p.batches);
    if (!tty && tenth == *last_tenth) return;
    *last_tenth = tenth;
    std::fprintf(stderr, "%sepoch %lld/%lld, batch %lld/%lld, loss %.4f, %.0f images/s, ETA %s%s",
                 tty ? "\r\033[K" : "", static_cast<long long>(p.epoch), static_cast<long long>(p.epochs),
                 static_cast<long long>(p.batch), static_cast<long long>(p.batches), p.loss, p.images_per_second,
                 format_duration(p.eta_seconds).c_str(), tty ? "" : "\n");
  };
}

}  // namespace

void run_train(const TrainArgs& a) {
  if (a.threads > 0) at::set_num_threads(static_cast<int>(a.threads));
  const train::Recipe recipe = make_recipe(a);
  const torch::Device device = parse_device(a.device);
  data::DataOptions data_options;
  data_options.holdout_per_class = recipe.holdout;
  data_options.strict = a.strict;
  data_options.cache_dir = a.cache;
  data::DataSplits data = data::open_data(a.data, data_options);
  WAVETWIN_CHECK(a.train_images >= 0, "--train-images ", a.train_images, "; expected >= 0 (0: all)");
  if (a.train_images > 0 && a.train_images < data.train->size()) {
    data.train = std::make_shared<data::SubsetDataset>(data.train, data::evenly_spaced(data.train->size(), a.train_images));
  }
  if (!data.failures.empty()) {
    std::fprintf(stderr, "train: %zu images could not be decoded and are left out, the first: %s\n",
                 data.failures.size(), data.failures.front().reason.c_str());
  }
  models::ModelSpec spec = models::parse_model_spec(a.model);
  const int64_t classes = static_cast<int64_t>(data.train->classes().size());
  if (spec.classes != classes || spec.in_channels != data.train->channels()) {
    std::fprintf(stderr, "train: %s is for %lld classes and %lld channels; the data has %lld and %lld: adapted\n",
                 a.model.c_str(), static_cast<long long>(spec.classes), static_cast<long long>(spec.in_channels),
                 static_cast<long long>(classes), static_cast<long long>(data.train->channels()));
    spec.classes = classes;
    spec.in_channels = data.train->channels();
  }
  const std::string model_name = spec.paper_name().empty() ? a.model : spec.paper_name();
  const std::string name = a.name.empty() ? model_name + "-" + data.name : a.name;
  train::RunStore store(a.store);
  const std::string checkpoint_dir = (std::filesystem::path(a.store).parent_path() / name).string();
  int64_t run = 0;
  if (a.resume) {
    const train::RunRecord record = store.get(name);
    WAVETWIN_CHECK(record.spec == spec.readable() && record.dataset == a.data, "--resume ", name, ": the run trains ",
                   record.spec, " on ", record.dataset, "; expected the same model and data, got ", spec.readable(),
                   " on ", a.data);
    run = record.id;
  } else {
    train::RunRecord record;
    record.name = name, record.spec = spec.readable(), record.dataset = a.data, record.recipe = recipe.name;
    record.options = options_json(a, recipe), record.code_version = train::code_version();
    run = store.create_run(record);
  }
  torch::manual_seed(a.seed);
  const auto model = models::make_model(spec);
  train::TrainerOptions options;
  options.recipe = recipe;
  options.checkpoint_dir = checkpoint_dir;
  options.seed = static_cast<uint64_t>(a.seed);
  options.keep_every = a.keep_every;
  options.loader_threads = a.loader_threads;
  options.strict = a.strict;
  options.device = device;
  options.stop_after = a.stop_after;
  options.progress = progress_display();
  train::Trainer trainer(model, data, options, &store, run);
  if (a.resume) trainer.resume();
  std::printf("run %s: %s on %s (%lld training, %lld validation images), recipe %s, from epoch %lld of %lld\n",
              name.c_str(), spec.readable().c_str(), a.data.c_str(), static_cast<long long>(data.train->size()),
              static_cast<long long>(data.val ? data.val->size() : 0), recipe.name.c_str(),
              static_cast<long long>(trainer.state().epoch + 1), static_cast<long long>(recipe.epochs));
  std::fflush(stdout);
  trainer.run();
  for (const auto& e : store.epochs(run)) {
    std::printf("epoch %3lld  lr %.4g  loss %.4f  val top-1 %.2f %%  top-5 %.2f %%  %.1f s  %.0f images/s\n",
                static_cast<long long>(e.epoch), e.lr, e.train_loss, e.val_top1, e.val_top5, e.seconds,
                e.images_per_second);
  }
  std::printf("best epoch %lld (val top-1 %.2f %%); checkpoints in %s; store %s\n",
              static_cast<long long>(trainer.state().best_epoch), trainer.state().best_val_top1,
              checkpoint_dir.c_str(), a.store.c_str());
}


Runner add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand("train", "Train a model of the zoo on a dataset; recorded in the run store");
  sub->add_option("model", a->model, "A papers' name (R18wyC_mod) or readable spec (\"resnet18 --twin cmod\")")->required();
  sub->add_option("--data", a->data, "fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH")->capture_default_str();
  sub->add_option("--recipe", a->recipe, "imagenet-alexnet, imagenet-resnet or cifar10-resnet")->capture_default_str();
  sub->add_option("--epochs", a->epochs, "Epochs (default: the recipe's)");
  sub->add_option("--lr", a->lr, "Initial learning rate");
  sub->add_option("--momentum", a->momentum, "SGD momentum");
  sub->add_option("--weight-decay", a->weight_decay, "Weight decay");
  sub->add_option("--schedule", a->schedule, "step, cosine or constant");
  sub->add_option("--step", a->step, "Epochs between learning-rate steps (step schedule)");
  sub->add_option("--gamma", a->gamma, "Learning-rate factor at each step");
  sub->add_option("--warmup", a->warmup, "Epochs of linear warm-up");
  sub->add_option("--batch", a->batch, "Images per optimiser step");
  sub->add_option("--accumulate", a->accumulate, "Sub-batches per step (gradient accumulation)");
  sub->add_option("--size", a->size, "Crop size");
  sub->add_option("--crop-scale", a->crop_scale, "Smallest area fraction of a training crop (default: the recipe's, 0.08)");
  sub->add_option("--holdout", a->holdout, "Validation images held out per class (-1: the reference's split)");
  sub->add_option("--lambdas", a->lambdas, "Filter-selection penalty per twin mixing section, e.g. 0,0.0041,0.00032");
  sub->add_option("--train-images", a->train_images, "Train on this many images, evenly spaced over the training part (0: all)");
  sub->add_option("--name", a->name, "Run name (default: MODEL-DATASET)");
  sub->add_option("--store", a->store, "Run store (SQLite); checkpoints go beside it in NAME/")->capture_default_str();
  sub->add_option("--cache", a->cache, "Folder for decoded-dataset caches (default: beside the data)");
  sub->add_option("--seed", a->seed, "Seed of the initialisation, the shuffles and the augmentation");
  sub->add_option("--threads", a->threads, "Compute threads (default: all cores)");
  sub->add_option("--loader-threads", a->loader_threads, "Data-loading threads (default: all cores)");
  sub->add_option("--keep-every", a->keep_every, "Also keep the checkpoint of every Nth epoch");
  sub->add_option("--stop-after", a->stop_after, "Stop after N epochs in this call (resume later)");
  sub->add_option("--device", a->device, "cpu, or cuda when built against a CUDA libtorch")->capture_default_str();
  sub->add_flag("--resume", a->resume, "Continue the run NAME from its last checkpoint");
  sub->add_flag("--strict", a->strict, "Stop at the first corrupt image instead of skipping it");
  return [sub, a] {
    if (sub->parsed()) run_train(*a);
  };
}

}  // namespace wavetwin::cli
