// wavetwin/train/recipe.h: training recipes (optimiser, schedule, epochs, batch, augmentation) and the
// reference's three as named presets (reference-system.md 6).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wavetwin::train {

/// How the learning rate moves from epoch to epoch (it changes once per epoch, after validation, as the
/// reference's StepLR).
enum class Schedule {
  kStep,      ///< lr * gamma^floor(epoch / step)
  kCosine,    ///< lr * (1 + cos(pi * epoch / epochs)) / 2
  kConstant,  ///< lr
};

struct Recipe {
  std::string name = "custom";
  double lr = 0.1, momentum = 0.9, weight_decay = 1e-4;
  Schedule schedule = Schedule::kStep;
  int64_t step = 30;
  double gamma = 0.1;
  /// Epochs of linear warm-up from lr / warmup to lr (0: none).
  int64_t warmup = 0;
  int64_t epochs = 90;
  /// Images per optimiser step; split into `accumulate` sub-batches whose losses are averaged.
  int64_t batch = 256, accumulate = 1;
  /// Training and evaluation crop size.
  int64_t size = 224;
  /// Smallest area fraction of RandomResizedCrop's training crops (the reference: torchvision's 0.08).
  double crop_scale = 0.08;
  /// lambda of the l1/l-infinity filter-selection penalty for each mixing section of a twin first layer;
  /// empty: no penalty.
  std::vector<double> lambdas;
  /// Held-out validation images per class; nullopt: the dataset's reference split.
  std::optional<int64_t> holdout;
};

/// Settings that replace a preset's; each one left unset keeps the preset's value.
struct RecipeOverrides {
  std::optional<double> lr, momentum, weight_decay, gamma, crop_scale;
  std::optional<Schedule> schedule;
  std::optional<int64_t> step, warmup, epochs, batch, accumulate, size, holdout;
  std::optional<std::vector<double>> lambdas;
};

/// "imagenet-alexnet", "imagenet-resnet", "cifar10-resnet": the reference's recipes.
Recipe preset(const std::string& name);
std::vector<std::string> preset_names();

/// `recipe` with `overrides` applied (not validated).
Recipe apply_overrides(Recipe recipe, const RecipeOverrides& overrides);

/// The preset `name` with `overrides` applied, validated. Throws wavetwin::Error naming the first impossible
/// setting or an unknown preset.
Recipe make_recipe(const std::string& name, const RecipeOverrides& overrides = {});

/// The learning rate of (0-based) `epoch`.
double learning_rate(const Recipe& recipe, int64_t epoch);

/// Throws wavetwin::Error naming the first impossible setting.
void validate(const Recipe& recipe);

/// "step", "cosine", "constant" <-> Schedule.
Schedule parse_schedule(const std::string& name);
std::string schedule_name(Schedule schedule);

/// The recipe as a JSON object (the run store's options) and back; from_json throws wavetwin::Error naming a
/// missing or mistyped key.
void to_json(nlohmann::json& json, const Recipe& recipe);
void from_json(const nlohmann::json& json, Recipe& recipe);

}  // namespace wavetwin::train
