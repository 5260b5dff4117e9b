// apps/wavetwin/demo.cpp: `wavetwin demo`, the main job: the ResNet-18 family (standard, RMax twin, CMod twin,
// blur-pooled, CMod twin with blur pooling) trained on the default data within a time budget, evaluated
// (one-crop, ten-crops, KL, flip rates, consistency) and reported, then the theory map and the per-filter study
// on natural photographs.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "jobs.h"
#include "output.h"
#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/eval/shift_eval.h"
#include "wavetwin/models/model.h"
#include "wavetwin/train/recipe.h"
#include "wavetwin/train/run_store.h"

namespace wavetwin::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Where Debian's python3-skimage installs its sample images, and those of them that are photographs (the
// folder also holds synthetic test patterns).
constexpr const char* kSkimagePhotos = "/usr/lib/python3/dist-packages/skimage/data";
const char* const kSkimagePhotoNames[] = {"astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png",
                                          "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "moon.png",
                                          "motorcycle_left.png", "retina.jpg", "rocket.jpg"};

// The folder of photographs to study: skimage's photographs linked into out/photos, or the given folder.
std::string photo_folder(const std::string& photos, const fs::path& out) {
  if (photos != kSkimagePhotos) return photos;
  const fs::path linked = out / "photos";
  fs::create_directories(linked);
  int64_t found = 0;
  for (const char* name : kSkimagePhotoNames) {
    const fs::path source = fs::path(photos) / name;
    if (!fs::exists(source)) continue;
    ++found;
    if (!fs::exists(linked / name)) fs::create_symlink(source, linked / name);
  }
  return found ? linked.string() : std::string();
}

struct DemoArgs {
  std::string data = "fashion-mnist", out = "demo", photos = kSkimagePhotos, cache;
  double budget = 15;
  int64_t epochs = 2, threads = 0;
  bool resume = false;
};

struct DemoModel {
  const char* name;
  const char* spec;
};

const DemoModel kModels[] = {
    {"R18", "resnet18"},
    {"R18wy", "resnet18 --twin rmax"},
    {"R18wy_mod", "resnet18 --twin cmod"},
    {"R18zh3", "resnet18 --antialias blur3"},
    {"R18zh3wy_mod", "resnet18 --antialias blur3 --twin cmod"},
};
constexpr int64_t kModelCount = static_cast<int64_t>(std::size(kModels));
// The short recipe: the reference's CIFAR-10 one with a cosine schedule over the demo's epochs, crops of at
// least a quarter of the image (the reference's 0.08 needs far more epochs than a demo has), and 100
// validation images per class.
constexpr const char* kRecipe = "cifar10-resnet";
constexpr double kCropScale = 0.25;
constexpr int64_t kHoldoutPerClass = 100;
// Share of the budget, after set-up and the reserve, that training gets; evaluation gets what is left.
constexpr double kTrainingShare = 0.7;
// An evaluated image costs about a third of a trained one (forward only, no loader augmentation); the loader
// and the per-step bookkeeping add about 10 % to a training step.
constexpr double kValidationShare = 0.35;
constexpr double kLoaderOverhead = 1.1;
// Evaluation costs about a quarter more than its forward passes (crops, shifted windows, scores): measured
// 5 min 22 s for a 4 min 51 s plan on a 15-minute demo.
constexpr double kEvaluationOverhead = 1.25;
// Seconds kept at the end for the report, the theory map and the study.
constexpr double kReserveSeconds = 30;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::shared_ptr<models::Model> demo_model(const DemoModel& m, int64_t channels, int64_t classes) {
  models::ModelSpec spec = models::parse_model_spec(m.spec);
  spec.classes = classes, spec.in_channels = channels;
  return models::make_model(spec);
}

// Seconds per image of an SGD step of `m` at the training batch, on random inputs, after one warm-up step: the
// training batch itself, since smaller batches cost more per image and over-estimate the work.
double time_training_step(const DemoModel& m, int64_t channels, int64_t classes, int64_t size, int64_t batch) {
  const auto model = demo_model(m, channels, classes);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  const torch::Tensor x = torch::randn({batch, channels, size, size});
  const torch::Tensor y = torch::randint(classes, {batch}, torch::kInt64);
  auto step = [&] {
    sgd.zero_grad();
    torch::nn::functional::cross_entropy(model->forward(x), y).backward();
    sgd.step();
  };
  model->train();
  step();
  const auto start = Clock::now();
  for (int i = 0; i < 2; ++i) step();
  return seconds_since(start) / static_cast<double>(2 * batch);
}

// Seconds per input of an evaluation forward pass of `m` at the evaluation batch, after one warm-up pass.
double time_forward(const DemoModel& m, int64_t channels, int64_t classes, int64_t size, int64_t batch) {
  const auto model = demo_model(m, channels, classes);
  torch::NoGradGuard no_grad;
  model->eval();
  const torch::Tensor x = torch::randn({batch, channels, size, size});
  model->forward(x);
  const auto start = Clock::now();
  model->forward(x);
  return seconds_since(start) / static_cast<double>(batch);
}

int64_t recorded_option(const train::RunRecord& run, const std::string& key) {
  const auto value = train::json_integer(run.options, key);
  WAVETWIN_CHECK(value.has_value(), "demo --resume: run ", run.name, " records no ", key,
                 "; expected a run of `wavetwin demo`");
  return *value;
}

void run_demo(const DemoArgs& a) {
  WAVETWIN_CHECK(a.budget > 0 && std::isfinite(a.budget), "--budget ", a.budget, "; expected minutes > 0");
  WAVETWIN_CHECK(a.epochs >= 1, "--epochs ", a.epochs, "; expected >= 1");
  if (a.threads > 0) at::set_num_threads(static_cast<int>(a.threads));
  const auto start = Clock::now();
  const auto dir = output_dir(a.out);
  const std::string store_path = (dir / "runs" / "wavetwin.db").string();

  data::DataOptions data_options;
  data_options.cache_dir = a.cache;
  data_options.holdout_per_class = kHoldoutPerClass;
  const data::DataSplits data = data::open_data(a.data, data_options);
  const int64_t size = 32;
  const int64_t classes = static_cast<int64_t>(data.train->classes().size()), channels = data.train->channels();
  const train::Recipe recipe = train::preset(kRecipe);
  // Every model's step is timed: the blur-pooled ones cost half as much again as the others.
  double train_cost = 0;
  for (const auto& m : kModels) train_cost += time_training_step(m, channels, classes, size, recipe.batch);

  // The budget: a quarter-minute and 10 % for set-up, the theory and the study; of the rest kTrainingShare
  // for training, each model on the same images. The evaluation is sized once the models are trained, from
  // the time that is actually left.
  const double usable = std::max(5.0, a.budget * 60 * 0.9 - 15);
  const double train_seconds = kTrainingShare * usable;
  const int64_t val_images = data.val ? data.val->size() : 0;
  const double validation = kValidationShare * train_cost * static_cast<double>(val_images * a.epochs);
  int64_t train_images = static_cast<int64_t>((train_seconds - validation) /
                                              (kLoaderOverhead * train_cost * static_cast<double>(a.epochs)));
  train_images = std::clamp<int64_t>(train_images, 256, data.train->size());
  const int64_t test_images = data.test ? data.test->size() : 0;

  std::unique_ptr<train::RunStore> store = std::make_unique<train::RunStore>(store_path);
  int64_t epochs = a.epochs;
  if (a.resume) {
    if (const auto first = store->find(kModels[0].name)) {
      train_images = recorded_option(*first, "train_images");
      epochs = recorded_option(*first, "epochs");
    }
  } else {
    for (const auto& m : kModels) {
      if (store->find(m.name)) store->remove(m.name);
    }
  }
  std::printf("demo: %s (%lld training images of %lld, %lld test), budget %.1f min\n", data.name.c_str(),
              static_cast<long long>(train_images), static_cast<long long>(data.train->size()),
              static_cast<long long>(test_images), a.budget);
  std::printf("demo: measured %.2f ms per training image for the %lld models together (batch %lld); %lld epochs\n",
              1e3 * train_cost, static_cast<long long>(kModelCount), static_cast<long long>(recipe.batch),
              static_cast<long long>(epochs));
  std::fflush(stdout);

  std::vector<std::string> names;
  for (const auto& m : kModels) {
    names.push_back(m.name);
    const auto existing = store->find(m.name);
    if (existing && existing->status == "finished") {
      std::printf("demo: %s already trained, kept\n", m.name);
      continue;
    }
    TrainArgs t;
    t.model = m.spec, t.name = m.name, t.data = a.data, t.store = store_path, t.cache = a.cache;
    t.recipe = kRecipe, t.schedule = "cosine", t.epochs = epochs, t.size = size, t.crop_scale = kCropScale;
    t.holdout = kHoldoutPerClass;
    t.train_images = train_images, t.threads = a.threads;
    t.resume = existing.has_value();
    std::printf("\n== train %s (%s)\n", m.name, m.spec);
    std::fflush(stdout);
    store.reset();  // the trainer opens the store itself
    run_train(t);
    store = std::make_unique<train::RunStore>(store_path);
  }
  // Per accuracy image: 1 + 10 crops + 2 consistency inputs; per shift image 3 x (17 + 9) windows; a quarter
  // as many shift images as accuracy images. What is left of the budget, less the reserve, goes to them.
  double forward_cost = 0;
  for (const auto& m : kModels) forward_cost += time_forward(m, channels, classes, size, EvalArgs().batch) / kModelCount;
  const double inputs_per_image = 13 + 78 / 4.0;
  const double eval_seconds = std::max(2.0, a.budget * 60 - kReserveSeconds - seconds_since(start)) / kModelCount;
  const int64_t eval_images =
      std::clamp<int64_t>(static_cast<int64_t>(eval_seconds / (kEvaluationOverhead * forward_cost * inputs_per_image)), 40, test_images);
  const int64_t shift_images = std::max<int64_t>(10, eval_images / 4);
  std::printf("\ndemo: %s spent, %.3f ms per evaluated input: evaluation on %lld test images (shifts on %lld)\n",
              format_duration(seconds_since(start)).c_str(), 1e3 * forward_cost, static_cast<long long>(eval_images),
              static_cast<long long>(shift_images));
  std::fflush(stdout);
  for (const auto& m : kModels) {
    EvalArgs e;
    e.target = m.name, e.store = store_path, e.cache = a.cache, e.limit = eval_images, e.shift_limit = shift_images;
    e.threads = a.threads;
    std::printf("\n== evaluate %s\n", m.name);
    std::fflush(stdout);
    run_eval(e);
  }
  std::printf("\n== report\n");
  ReportArgs r;
  r.runs = names, r.out = (dir / "report").string(), r.store = store_path;
  r.title = "wavetwin demo: the ResNet-18 family on " + data.name;
  run_report(r);

  std::printf("\n== theory: gamma map of RMax vs CMod (m = 2, q = 1)\n");
  TheoryArgs theory;
  theory.m = 2, theory.grid = 256, theory.out = (dir / "theory").string();
  run_theory(theory);
  const std::string photos = fs::is_directory(a.photos) ? photo_folder(a.photos, dir) : std::string();
  if (!photos.empty()) {
    std::printf("\n== study: per-filter discrepancy and shift stability on the photographs of %s\n", a.photos.c_str());
    StudyArgs study;
    study.images = photos, study.depth = 2, study.out = (dir / "study").string();
    run_study(study);
  } else {
    std::fprintf(stderr, "demo: %s: no photographs, the per-filter study is left out (install python3-skimage, "
                 "or give --photos DIR)\n", a.photos.c_str());
  }
  std::printf("\ndemo: done in %s; report in %s\n", format_duration(seconds_since(start)).c_str(),
              (dir / "report" / "report.md").c_str());
}

}  // namespace

Runner add_demo(CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  CLI::App* sub = app.add_subcommand("demo", "The main job: train, evaluate and report the ResNet-18 family, then the theory and the study");
  sub->add_option("--data", a->data, "fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH")->capture_default_str();
  sub->add_option("--budget", a->budget, "Minutes for the whole demo on this machine")->capture_default_str();
  sub->add_option("--epochs", a->epochs, "Epochs per model (the training images are sized to the budget)")->capture_default_str();
  sub->add_option("--photos", a->photos, "Folder of natural photographs for the per-filter study")->capture_default_str();
  sub->add_option("--out", a->out, "Output directory (runs/, report/, theory/, study/)")->capture_default_str();
  sub->add_option("--cache", a->cache, "Folder for decoded-dataset caches (default: beside the data)");
  sub->add_option("--threads", a->threads, "Compute threads (default: all cores)");
  sub->add_flag("--resume", a->resume, "Continue an interrupted demo in --out: finished runs are kept");
  return [sub, a] {
    if (sub->parsed()) run_demo(*a);
  };
}

}  // namespace wavetwin::cli
