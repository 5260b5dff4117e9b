// src/train/recipe.cpp: the reference's recipes and the learning-rate schedules.
#include "wavetwin/train/recipe.h"

#include <cmath>

#include "wavetwin/error.h"

namespace wavetwin::train {

std::vector<std::string> preset_names() { return {"imagenet-alexnet", "imagenet-resnet", "cifar10-resnet"}; }

Recipe preset(const std::string& name) {
  Recipe r;
  r.name = name;
  if (name == "imagenet-alexnet") {
    r.lr = 0.01;
    r.lambdas = {0.0, 0.0041, 0.00032};  // the AlexNet twins' sections (6, 24, 64), reference-system.md 4.2
  } else if (name == "imagenet-resnet") {
    r.lr = 0.1;
  } else if (name == "cifar10-resnet") {
    r.lr = 0.1, r.step = 100, r.epochs = 300, r.size = 32;
  } else {
    std::string names;
    for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
    WAVETWIN_FAIL("recipe '", name, "': unknown; expected one of ", names);
  }
  return r;
}

Recipe apply_overrides(Recipe r, const RecipeOverrides& o) {
  r.lr = o.lr.value_or(r.lr);
  r.momentum = o.momentum.value_or(r.momentum);
  r.weight_decay = o.weight_decay.value_or(r.weight_decay);
  r.schedule = o.schedule.value_or(r.schedule);
  r.step = o.step.value_or(r.step);
  r.gamma = o.gamma.value_or(r.gamma);
  r.warmup = o.warmup.value_or(r.warmup);
  r.epochs = o.epochs.value_or(r.epochs);
  r.batch = o.batch.value_or(r.batch);
  r.accumulate = o.accumulate.value_or(r.accumulate);
  r.size = o.size.value_or(r.size);
  r.crop_scale = o.crop_scale.value_or(r.crop_scale);
  if (o.holdout) r.holdout = o.holdout;
  r.lambdas = o.lambdas.value_or(r.lambdas);
  return r;
}

Recipe make_recipe(const std::string& name, const RecipeOverrides& overrides) {
  Recipe r = apply_overrides(preset(name), overrides);
  validate(r);
  return r;
}

double learning_rate(const Recipe& r, int64_t epoch) {
  if (r.warmup > 0 && epoch < r.warmup) return r.lr * static_cast<double>(epoch + 1) / r.warmup;
  switch (r.schedule) {
    case Schedule::kStep: return r.lr * std::pow(r.gamma, static_cast<double>(epoch / r.step));
    case Schedule::kCosine: return r.lr * (1 + std::cos(M_PI * epoch / r.epochs)) / 2;
    case Schedule::kConstant: return r.lr;
  }
  return r.lr;
}

void validate(const Recipe& r) {
  WAVETWIN_CHECK(r.lr > 0 && std::isfinite(r.lr), "recipe: lr ", r.lr, "; expected a positive number");
  WAVETWIN_CHECK(r.momentum >= 0 && r.momentum < 1, "recipe: momentum ", r.momentum, "; expected 0 <= momentum < 1");
  WAVETWIN_CHECK(r.weight_decay >= 0, "recipe: weight decay ", r.weight_decay, "; expected >= 0");
  WAVETWIN_CHECK(r.step >= 1 && r.gamma > 0, "recipe: step ", r.step, ", gamma ", r.gamma, "; expected step >= 1, gamma > 0");
  WAVETWIN_CHECK(r.epochs >= 1 && r.warmup >= 0, "recipe: ", r.epochs, " epochs, ", r.warmup,
                 " warm-up epochs; expected epochs >= 1, warm-up >= 0");
  WAVETWIN_CHECK(r.batch >= 1 && r.accumulate >= 1 && r.batch % r.accumulate == 0, "recipe: batch ", r.batch,
                 " in ", r.accumulate, " sub-batches; expected a batch that is a multiple of the sub-batch count");
  WAVETWIN_CHECK(r.size >= 8, "recipe: size ", r.size, "; expected >= 8");
  WAVETWIN_CHECK(r.crop_scale > 0 && r.crop_scale <= 1, "recipe: crop scale ", r.crop_scale,
                 "; expected 0 < scale <= 1 (the smallest area fraction of a training crop)");
}

Schedule parse_schedule(const std::string& name) {
  if (name == "step") return Schedule::kStep;
  if (name == "cosine") return Schedule::kCosine;
  if (name == "constant") return Schedule::kConstant;
  WAVETWIN_FAIL("schedule '", name, "': unknown; expected step, cosine or constant");
}

std::string schedule_name(Schedule s) {
  return s == Schedule::kStep ? "step" : s == Schedule::kCosine ? "cosine" : "constant";
}

void to_json(nlohmann::json& json, const Recipe& r) {
  json = {{"name", r.name}, {"lr", r.lr}, {"momentum", r.momentum}, {"weight_decay", r.weight_decay},
          {"schedule", schedule_name(r.schedule)}, {"step", r.step}, {"gamma", r.gamma}, {"warmup", r.warmup},
          {"epochs", r.epochs}, {"batch", r.batch}, {"accumulate", r.accumulate}, {"size", r.size},
          {"crop_scale", r.crop_scale}, {"holdout", r.holdout ? nlohmann::json(*r.holdout) : nlohmann::json()},
          {"lambdas", r.lambdas}};
}

void from_json(const nlohmann::json& json, Recipe& r) {
  try {
    r.name = json.at("name").get<std::string>();
    r.lr = json.at("lr").get<double>(), r.momentum = json.at("momentum").get<double>();
    r.weight_decay = json.at("weight_decay").get<double>();
    r.schedule = parse_schedule(json.at("schedule").get<std::string>());
    r.step = json.at("step").get<int64_t>(), r.gamma = json.at("gamma").get<double>();
    r.warmup = json.at("warmup").get<int64_t>(), r.epochs = json.at("epochs").get<int64_t>();
    r.batch = json.at("batch").get<int64_t>(), r.accumulate = json.at("accumulate").get<int64_t>();
    r.size = json.at("size").get<int64_t>(), r.crop_scale = json.at("crop_scale").get<double>();
    // Stores written before the typed records said -1 for the reference split.
    const nlohmann::json& holdout = json.at("holdout");
    r.holdout = holdout.is_null() || holdout.get<int64_t>() < 0 ? std::nullopt
                                                                : std::optional<int64_t>(holdout.get<int64_t>());
    r.lambdas = json.at("lambdas").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    WAVETWIN_FAIL("recipe: ", e.what(), "; expected a recipe as written by wavetwin train");
  }
}

}  // namespace wavetwin::train
