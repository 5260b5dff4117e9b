// src/demo/demo.cpp: the main job.
#include "wavetwin/demo/demo.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "wavetwin/data/source.h"
#include "wavetwin/error.h"
#include "wavetwin/models/model.h"
#include "wavetwin/report/table.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin::demo {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// python3-skimage's images that are photographs (its folder also holds synthetic test patterns).
const char* const kSkimagePhotoNames[] = {"astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png",
                                          "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "moon.png",
                                          "motorcycle_left.png", "retina.jpg", "rocket.jpg"};

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
    {"R18aps3", "resnet18 --aps 3"},
    {"R18aps3wy_mod", "resnet18 --aps 3 --twin cmod"},
};
constexpr int64_t kModelCount = static_cast<int64_t>(std::size(kModels));
// The papers' claims that the demo's models can test, each run against its baseline on the same test images.
std::vector<eval::Claim> demo_claims() {
  using runs::Metric;
  return {
      {"CMod is more shift-invariant than RMax (P1; P2 Table II)", "R18wy_mod", "R18wy", Metric::kFlipRate, true},
      {"the CMod twin is more shift-invariant than the standard model (P2 Table II)", "R18wy_mod", "R18",
       Metric::kFlipRate, true},
      {"the CMod twin is more accurate than the standard model (P2 Table II)", "R18wy_mod", "R18",
       Metric::kOnecropTop1, true},
      {"CMod makes a blur-pooled model more accurate (P2 Table II)", "R18zh3wy_mod", "R18zh3", Metric::kOnecropTop1,
       true},
      {"APS is invariant to circular shifts (Chaman and Dokmanic 2021)", "R18aps3", "R18", Metric::kCircularFlipRate,
       true},
  };
}

// The short recipe: the reference's CIFAR-10 one with a cosine schedule over the demo's epochs, crops of at
// least a quarter of the image (the reference's 0.08 needs far more epochs than a demo has), and 100
// validation images per class.
constexpr const char* kRecipe = "cifar10-resnet";
constexpr double kCropScale = 0.25;
constexpr int64_t kHoldoutPerClass = 100;
constexpr int64_t kSize = 32;
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

train::RunSettings recorded_settings(const runs::RunRecord& run) {
  try {
    return run.options.get<train::RunSettings>();
  } catch (const Error& e) {
    WAVETWIN_FAIL("demo --resume: run ", run.name, ": ", e.what());
  }
}

std::string format(const char* pattern, auto... values) {
  char text[512];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

}  // namespace

DemoResult run_demo(const DemoOptions& o) {
  WAVETWIN_CHECK(o.budget_minutes > 0 && std::isfinite(o.budget_minutes), "--budget ", o.budget_minutes,
                 "; expected minutes > 0");
  WAVETWIN_CHECK(o.epochs >= 1, "--epochs ", o.epochs, "; expected >= 1");
  const DemoObserver& observer = o.observer;
  const auto say = [&](const std::string& line) {
    if (observer.say) observer.say(line);
  };
  if (o.threads > 0) at::set_num_threads(static_cast<int>(o.threads));
  const auto start = Clock::now();
  const auto dir = report::output_dir(o.out);
  const std::string store_path = (dir / "runs" / "wavetwin.db").string();
  DemoResult result;

  data::DataOptions data_options;
  data_options.cache_dir = o.cache;
  data_options.holdout_per_class = kHoldoutPerClass;
  const data::DataSplits data = data::open_data(o.data, data_options);
  const int64_t classes = static_cast<int64_t>(data.train->classes().size()), channels = data.train->channels();
  const train::Recipe recipe = train::preset(kRecipe);
  result.test_images = data.test ? data.test->size() : 0;
  auto store = std::make_unique<runs::RunStore>(store_path);
  std::optional<train::RunSettings> recorded;
  if (o.resume) {
    if (const auto first = store->find(kModels[0].name)) recorded = recorded_settings(*first);
  } else {
    for (const auto& m : kModels) {
      if (store->find(m.name)) store->remove(m.name);
    }
  }
  int64_t train_images = 0, epochs = o.epochs;
  std::string measured;
  if (recorded) {
    // A resumed demo trains on what it started with: nothing to time.
    train_images = recorded->train_images.value_or(data.train->size());
    epochs = recorded->recipe.epochs;
  } else {
    // Every model's step is timed: the blur-pooled ones cost half as much again as the others.
    double train_cost = 0;
    for (const auto& m : kModels) train_cost += time_training_step(m, channels, classes, kSize, recipe.batch);
    // The budget: a quarter-minute and 10 % for set-up, the theory and the study; of the rest kTrainingShare
    // for training, each model on the same images. The evaluation is sized once the models are trained, from
    // the time that is actually left.
    const double usable = std::max(5.0, o.budget_minutes * 60 * 0.9 - 15);
    const double train_seconds = kTrainingShare * usable;
    const int64_t val_images = data.val ? data.val->size() : 0;
    const double validation = kValidationShare * train_cost * static_cast<double>(val_images * epochs);
    train_images = static_cast<int64_t>((train_seconds - validation) /
                                        (kLoaderOverhead * train_cost * static_cast<double>(epochs)));
    train_images = std::clamp<int64_t>(train_images, 256, data.train->size());
    measured = format("demo: measured %.2f ms per training image for the %lld models together (batch %lld); %lld "
                      "epochs",
                      1e3 * train_cost, static_cast<long long>(kModelCount), static_cast<long long>(recipe.batch),
                      static_cast<long long>(epochs));
  }
  result.train_images = train_images, result.epochs = epochs;
  say(format("demo: %s (%lld training images of %lld, %lld test), budget %.1f min", data.name.c_str(),
             static_cast<long long>(train_images), static_cast<long long>(data.train->size()),
             static_cast<long long>(result.test_images), o.budget_minutes));
  if (!measured.empty()) say(measured);

  std::vector<std::string> names, kept_evaluations;
  for (const auto& m : kModels) {
    names.push_back(m.name);
    const auto existing = store->find(m.name);
    if (existing && existing->status == runs::RunStatus::kFinished) {
      say(format("demo: %s already trained, kept", m.name));
      // Scores are recorded at the end of an evaluation, all at once: a kept run with scores was evaluated.
      if (!store->scores(existing->id).empty()) kept_evaluations.push_back(m.name);
      continue;
    }
    train::TrainRunOptions t;
    t.model = m.spec, t.name = m.name, t.data = o.data, t.store = store_path, t.cache = o.cache;
    t.recipe = kRecipe;
    t.overrides.schedule = train::Schedule::kCosine, t.overrides.epochs = epochs, t.overrides.size = kSize;
    t.overrides.crop_scale = kCropScale, t.overrides.holdout = kHoldoutPerClass;
    t.train_images = train_images, t.threads = o.threads;
    t.resume = existing.has_value();
    t.on_start = observer.train_start, t.progress = observer.train_progress, t.warn = observer.warn;
    say(format("\n== train %s (%s)", m.name, m.spec));
    store.reset();  // the training workflow opens the store itself
    result.trained.push_back(train::train_run(t));
    if (observer.trained) observer.trained(result.trained.back());
    store = std::make_unique<runs::RunStore>(store_path);
  }
  // Per accuracy image: 1 + 10 crops + 2 consistency inputs; per shift image 3 x (17 + 9) windows and 3 x 9 + 2
  // circular shifts; a quarter as many shift images as accuracy images. What is left of the budget, less the
  // reserve, goes to them.
  // A resumed demo whose every evaluation is kept has nothing to size (eval_images stays 0).
  if (static_cast<int64_t>(kept_evaluations.size()) < kModelCount) {
    const int64_t eval_batch = eval::EvaluateRunOptions().batch;
    double forward_cost = 0;
    for (const auto& m : kModels) forward_cost += time_forward(m, channels, classes, kSize, eval_batch) / kModelCount;
    const double inputs_per_image = 13 + (78 + 29) / 4.0;
    const double eval_seconds =
        std::max(2.0, o.budget_minutes * 60 - kReserveSeconds - seconds_since(start)) / kModelCount;
    result.eval_images = std::clamp<int64_t>(
        static_cast<int64_t>(eval_seconds / (kEvaluationOverhead * forward_cost * inputs_per_image)), 40,
        result.test_images);
    result.shift_images = std::max<int64_t>(10, result.eval_images / 4);
    say(format("\ndemo: %s spent, %.3f ms per evaluated input: evaluation on %lld test images (shifts on %lld)",
               report::format_duration(seconds_since(start)).c_str(), 1e3 * forward_cost,
               static_cast<long long>(result.eval_images), static_cast<long long>(result.shift_images)));
  }
  for (const auto& m : kModels) {
    if (std::find(kept_evaluations.begin(), kept_evaluations.end(), m.name) != kept_evaluations.end()) {
      say(format("demo: %s already evaluated, kept", m.name));
      continue;
    }
    eval::EvaluateRunOptions e;
    e.target = m.name, e.store = store_path, e.cache = o.cache;
    e.limit = result.eval_images, e.shift_limit = result.shift_images;
    e.on_start = observer.evaluation_start, e.progress = observer.evaluation_progress;
    say(format("\n== evaluate %s", m.name));
    result.evaluated.push_back(eval::evaluate_run(e));
    if (observer.evaluated) observer.evaluated(result.evaluated.back());
  }
  say("\n== report");
  report::RunsReportOptions r;
  r.runs = names, r.out = (dir / "report").string(), r.store = store_path;
  r.title = "wavetwin demo: the ResNet-18 family on " + data.name;
  r.claims = demo_claims();
  result.report = report::write_runs_report(r);
  if (observer.reported) observer.reported(result.report);

  say("\n== theory: gamma map of RMax vs CMod (m = 2, q = 1)");
  study::TheoryMapOptions theory;
  theory.m = 2, theory.grid = 256, theory.out = (dir / "theory").string();
  result.theory = study::write_theory_map(theory);
  if (observer.theory) observer.theory(result.theory);
  const std::string photos = fs::is_directory(o.photos) ? photo_folder(o.photos, dir) : std::string();
  if (!photos.empty()) {
    say("\n== study: per-filter discrepancy and shift stability on the photographs of " + o.photos);
    study::PacketStudyOptions s;
    s.images = photos, s.depth = 2, s.out = (dir / "study").string(), s.progress = observer.study_progress;
    result.study = study::study_packets(s);
    if (observer.studied) observer.studied(*result.study);
  } else if (observer.warn) {
    observer.warn(o.photos + ": no photographs, the per-filter study is left out (install python3-skimage, or give "
                  "--photos DIR)");
  }
  result.seconds = seconds_since(start);
  say("\ndemo: of the papers' claims, this run " + result.report.claims_summary);
  say(format("demo: done in %s; report in %s", report::format_duration(result.seconds).c_str(),
             (dir / "report" / "report.md").c_str()));
  return result;
}

}  // namespace wavetwin::demo
