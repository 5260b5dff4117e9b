// src/train/train_run.cpp: the training workflow.
#include "wavetwin/train/train_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "wavetwin/data/source.h"
#include "wavetwin/dist/world.h"
#include "wavetwin/error.h"
#include "wavetwin/models/model.h"
#include "wavetwin/runs/run_lock.h"

namespace wavetwin::train {

void to_json(nlohmann::json& json, const RunSettings& s) {
  json = {{"recipe", s.recipe},
          {"seed", s.seed},
          {"threads", s.threads},
          {"loader_threads", s.loader_threads},
          {"keep_every", s.keep_every},
          {"train_images", s.train_images ? nlohmann::json(*s.train_images) : nlohmann::json()},
          {"strict", s.strict},
          {"device", s.device},
          {"world_size", s.world_size},
          {"sync_batch_norm", s.sync_batch_norm}};
}

void from_json(const nlohmann::json& json, RunSettings& s) {
  try {
    s.recipe = json.at("recipe").get<Recipe>();
    s.seed = json.at("seed").get<uint64_t>();
    s.threads = json.at("threads").get<int64_t>();
    s.loader_threads = json.at("loader_threads").get<int64_t>();
    s.keep_every = json.at("keep_every").get<int64_t>();
    // Stores written before the typed records said 0 for "all images".
    const nlohmann::json& images = json.at("train_images");
    s.train_images = images.is_null() || images.get<int64_t>() <= 0 ? std::nullopt
                                                                     : std::optional<int64_t>(images.get<int64_t>());
    s.strict = json.at("strict").get<bool>();
    s.device = json.at("device").get<std::string>();
    s.world_size = json.value("world_size", int64_t{1});
    s.sync_batch_norm = json.value("sync_batch_norm", false);
  } catch (const nlohmann::json::exception& e) {
    WAVETWIN_FAIL("run options: ", e.what(), "; expected the options of a run of wavetwin train");
  }
}

namespace {

// The run as rank 0 settles it (from the options, or resuming from the store), sent to the other ranks.
struct Settled {
  bool resume = false;
  bool from_scratch = false;  ///< resuming a run stopped before its first checkpoint: trained from the start
  std::string name;  ///< empty for a new run without --name: MODEL-DATASET, once the data is open
  std::string spec, data;
  RunSettings settings;
  std::string error;  ///< rank 0's error, which every rank raises
};

void to_json(nlohmann::json& json, const Settled& s) {
  json = {{"resume", s.resume}, {"from_scratch", s.from_scratch}, {"name", s.name}, {"spec", s.spec}, {"data", s.data}, {"settings", s.settings},
          {"error", s.error}};
}

void from_json(const nlohmann::json& json, Settled& s) {
  s.resume = json.at("resume").get<bool>(), s.from_scratch = json.at("from_scratch").get<bool>();
  s.name = json.at("name").get<std::string>();
  s.spec = json.at("spec").get<std::string>(), s.data = json.at("data").get<std::string>();
  s.settings = json.at("settings").get<RunSettings>(), s.error = json.at("error").get<std::string>();
}

[[noreturn]] void conflict(const std::string& run, const std::string& option, const std::string& given,
                           const std::string& recorded) {
  WAVETWIN_FAIL("--resume ", run, ": ", option, " ", given, " differs from the run's ", recorded,
                "; expected the run's own (leave ", option, " out)");
}

// Whether `model` is the recorded run's model once adapted, as it was, to the run's classes and channels.
bool is_model_of(const std::string& model, const std::string& recorded_spec) {
  models::ModelSpec asked = models::parse_model_spec(model);
  const models::ModelSpec recorded = models::parse_model_spec(recorded_spec);
  asked.classes = recorded.classes, asked.in_channels = recorded.in_channels;
  return asked.readable() == recorded_spec;
}

// The run's settings from the store, with what the options may change; a conflicting one is refused.
RunSettings resumed_settings(const runs::RunRecord& record, const TrainRunOptions& o) {
  RunSettings s = record.options.get<RunSettings>();
  const std::string& run = record.name;
  if (o.recipe && *o.recipe != s.recipe.name) conflict(run, "--recipe", *o.recipe, s.recipe.name);
  RecipeOverrides same = o.overrides;
  same.epochs.reset();
  const nlohmann::json recorded = s.recipe, asked = apply_overrides(s.recipe, same);
  for (const auto& [key, value] : recorded.items()) {
    std::string option = "--" + key;
    std::replace(option.begin(), option.end(), '_', '-');
    if (asked.at(key) != value) conflict(run, option, asked.at(key).dump(), value.dump());
  }
  if (o.overrides.epochs) s.recipe.epochs = *o.overrides.epochs;
  if (o.seed && *o.seed != s.seed) conflict(run, "--seed", std::to_string(*o.seed), std::to_string(s.seed));
  if (o.train_images && o.train_images != s.train_images) {
    conflict(run, "--train-images", std::to_string(*o.train_images),
             s.train_images ? std::to_string(*s.train_images) : std::string("all"));
  }
  if (o.sync_batch_norm && *o.sync_batch_norm != s.sync_batch_norm) {
    conflict(run, "--sync-bn", *o.sync_batch_norm ? "on" : "off", s.sync_batch_norm ? "on" : "off");
  }
  if (o.data && *o.data != record.dataset) conflict(run, "--data", *o.data, record.dataset);
  if (!o.model.empty() && !is_model_of(o.model, record.spec)) conflict(run, "the model", o.model, record.spec);
  if (o.threads > 0) s.threads = o.threads;
  if (o.loader_threads > 0) s.loader_threads = o.loader_threads;
  if (o.keep_every) s.keep_every = *o.keep_every;
  if (o.device) s.device = o.device->str();
  s.strict = s.strict || o.strict;
  return s;
}

RunSettings new_settings(const TrainRunOptions& o) {
  WAVETWIN_CHECK(!o.model.empty(), "train: no model; expected a papers' name or a spec (or --resume with the ",
                 "--name of a run)");
  RunSettings s;
  s.recipe = make_recipe(o.recipe.value_or("cifar10-resnet"), o.overrides);
  s.seed = o.seed.value_or(0), s.threads = o.threads, s.loader_threads = o.loader_threads;
  s.keep_every = o.keep_every.value_or(0), s.train_images = o.train_images, s.strict = o.strict;
  s.device = o.device.value_or(torch::kCPU).str(), s.world_size = o.world ? o.world->size() : 1;
  s.sync_batch_norm = o.sync_batch_norm.value_or(false);
  return s;
}

// The store's runs of the model on the data (how a run is found without --name).
std::vector<std::string> runs_of(const runs::RunStore& store, const std::string& model, const std::string& data) {
  std::vector<std::string> names;
  for (const auto& run : store.list()) {
    if (run.dataset == data && is_model_of(model, run.spec)) names.push_back(run.name);
  }
  return names;
}

// Temporary files of writes killed before their rename (data::write_file_atomic's PATH.tmp.PID), under the
// run's lock, so that no live writer owns them.
void remove_unfinished_writes(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) std::filesystem::remove(entry.path(), error);
  }
}

// A new run of the options' model on `data`; `name` empty: MODEL-DATASET, once the data is open.
Settled new_run(const TrainRunOptions& o, const std::string& name, const std::string& data) {
  Settled settled;
  settled.name = name, settled.settings = new_settings(o), settled.spec = o.model, settled.data = data;
  return settled;
}

// Rank 0's part: whether the run resumes, its lock when it does, its settings.
Settled settle(const TrainRunOptions& o, runs::RunStore& store, std::unique_ptr<runs::RunLock>& lock) {
  Settled settled;
  settled.name = o.name.value_or("");
  const std::string data = o.data.value_or("fashion-mnist");
  if (settled.name.empty() && (o.resume || o.restart) && !o.model.empty()) {
    const std::vector<std::string> names = runs_of(store, o.model, data);
    if (names.size() == 1) settled.name = names.front();
    WAVETWIN_CHECK(!o.resume || names.size() == 1, "--resume: ", names.size(), " runs of ", o.model, " on ", data,
                   " in ", store.path(), "; expected one: name the run with --name");
  }
  WAVETWIN_CHECK(!o.resume || !settled.name.empty(), "--resume: which run? expected --name NAME (or the model and ",
                 "--data of the run)");
  // A restarted job (torchrun) continues its run when it was recorded.
  settled.resume = o.resume || (o.restart && !settled.name.empty() && store.find(settled.name));
  if (!settled.resume) return new_run(o, settled.name, data);
  store.get(settled.name);  // a run that is not there is refused before its lock creates its folder
  lock = std::make_unique<runs::RunLock>(runs::run_lock_path(store.path(), settled.name), settled.name);
  const runs::RunRecord record = store.get(settled.name);
  settled.settings = resumed_settings(record, o);
  settled.spec = record.spec, settled.data = record.dataset;
  // Stopped before its first checkpoint, a run starts again from its seed, which gives the same run.
  const std::string last = runs::run_directory(store.path(), settled.name) + "/last.pt";
  settled.from_scratch = !std::filesystem::exists(last);
  const size_t recorded = store.epochs(record.id).size();
  if (settled.from_scratch && recorded > 0 && o.restart && !o.resume) {
    // A restarted job whose checkpoints are gone starts its run afresh, as torchrun expects of it.
    store.remove(settled.name);
    return new_run(o, settled.name, data);
  }
  WAVETWIN_CHECK(!settled.from_scratch || recorded == 0, "--resume ", settled.name, ": ", last,
                 " is missing though the store records ", recorded, " epochs; expected the run's checkpoint (or `wavetwin ",
                 "runs rm ", settled.name, "` and train it anew)");
  return settled;
}

}  // namespace

TrainRunResult train_run(const TrainRunOptions& o) {
  WAVETWIN_CHECK(!o.train_images || *o.train_images >= 1, "--train-images ", o.train_images.value_or(0),
                 "; expected at least 1 (or leave it out for all)");
  WAVETWIN_CHECK(o.threads >= 0 && o.loader_threads >= 0, "threads ", o.threads, ", loader threads ", o.loader_threads,
                 "; expected counts >= 0 (0: the default)");
  WAVETWIN_CHECK(o.keep_every.value_or(0) >= 0, "--keep-every ", o.keep_every.value_or(0),
                 "; expected >= 0 (0: only the last and best)");
  WAVETWIN_CHECK(!o.stop_after || *o.stop_after >= 1, "--stop-after ", o.stop_after.value_or(0),
                 "; expected at least 1 epoch (or leave it out to train to the end)");
  // A new run's recipe and specs are checked before anything is opened or written.
  if (!o.resume) {
    make_recipe(o.recipe.value_or("cifar10-resnet"), o.overrides);
    models::parse_model_spec(o.model).validate();
    data::parse_data_spec(o.data.value_or("fashion-mnist"));
  }
  const bool leader = !o.world || o.world->rank() == 0;
  std::unique_ptr<runs::RunStore> store;
  std::unique_ptr<runs::RunLock> lock;
  Settled settled;
  if (leader) {
    try {
      store = std::make_unique<runs::RunStore>(o.store);
      settled = settle(o, *store, lock);
    } catch (const Error& e) {
      settled.error = e.what();
    }
  }
  if (o.world) settled = nlohmann::json::parse(o.world->broadcast_bytes(nlohmann::json(settled).dump())).get<Settled>();
  if (!settled.error.empty()) throw Error(settled.error);
  const RunSettings& settings = settled.settings;
  const Recipe& recipe = settings.recipe;
  validate(recipe);
  if (settings.threads > 0) at::set_num_threads(static_cast<int>(settings.threads));
  // Each rank reads the data where its own options say (hosts need not share paths), else where rank 0 does.
  const std::string data_spec = !leader && o.data ? *o.data : settled.data;
  data::DataOptions data_options;
  data_options.holdout_per_class = recipe.holdout;
  data_options.strict = settings.strict;
  data_options.cache_dir = o.cache;
  data::DataSplits data = data::open_data(data_spec, data_options);
  if (settings.train_images && *settings.train_images < data.train->size()) {
    data.train = std::make_shared<data::SubsetDataset>(data.train,
                                                       data::evenly_spaced(data.train->size(), *settings.train_images));
  }
  if (o.warn) {
    for (const auto& notice : data.notices) o.warn(notice);
  }
  if (!data.failures.empty() && o.warn) {
    o.warn(std::to_string(data.failures.size()) + " images could not be decoded and are left out, the first: " +
           data.failures.front().reason);
  }
  models::ModelSpec spec = models::parse_model_spec(settled.spec);
  const int64_t classes = static_cast<int64_t>(data.train->classes().size());
  if (spec.classes != classes || spec.in_channels != data.train->channels()) {
    WAVETWIN_CHECK(!settled.resume, "--resume ", settled.name, ": the run's model ", settled.spec, " is for ",
                   spec.classes, " classes and ", spec.in_channels, " channels; the data ", data_spec, " has ", classes,
                   " and ", data.train->channels());
    if (o.warn) {
      o.warn(settled.spec + " is for " + std::to_string(spec.classes) + " classes and " +
             std::to_string(spec.in_channels) + " channels; the data has " + std::to_string(classes) + " and " +
             std::to_string(data.train->channels()) + ": adapted");
    }
    spec.classes = classes;
    spec.in_channels = data.train->channels();
  }
  const std::string model_name = spec.paper_name().empty() ? settled.spec : spec.paper_name();
  const std::string name = settled.name.empty() ? model_name + "-" + data.name : settled.name;
  const std::string checkpoint_dir = runs::run_directory(o.store, name);
  int64_t run = 0;
  std::optional<runs::RunRecord> record;
  if (leader) {
    if (!lock) lock = std::make_unique<runs::RunLock>(runs::run_lock_path(o.store, name), name);
    remove_unfinished_writes(checkpoint_dir);
    if (settled.resume) {
      record = store->get(name);
      run = record->id;
    } else {
      runs::RunRecord created;
      created.name = name, created.spec = spec.readable(), created.dataset = settled.data;
      created.recipe = recipe.name, created.size = recipe.size, created.holdout = recipe.holdout;
      created.options = settings, created.code_version = runs::code_version();
      run = store->create_run(created);
    }
  }
  torch::manual_seed(settings.seed);
  const auto model = models::make_model(spec);
  TrainerOptions options;
  options.recipe = recipe;
  options.checkpoint_dir = checkpoint_dir;
  options.seed = settings.seed;
  options.keep_every = settings.keep_every;
  options.loader_threads = settings.loader_threads;
  options.strict = settings.strict;
  options.device = torch::Device(settings.device);
  options.stop_after = o.stop_after;
  options.progress = o.progress;
  options.world = o.world;
  options.sync_batch_norm = settings.sync_batch_norm;
  Trainer trainer(model, data, options, store.get(), run);
  if (settled.resume) {
    if (settled.from_scratch && o.warn) o.warn(name + " has no checkpoint yet (stopped in its first epoch): trained from the start");
    if (!settled.from_scratch) trainer.resume();
    WAVETWIN_CHECK(recipe.epochs >= trainer.state().epoch, "--resume ", name, ": --epochs ", recipe.epochs,
                   "; the run has done ", trainer.state().epoch, " epochs; expected at least as many");
    if (record) {
      const RunSettings before = record->options.get<RunSettings>();
      if (record->options != nlohmann::json(settings)) store->set_options(run, settings);
      if (o.warn && before.threads > 0 && settings.threads != before.threads) {
        o.warn("--threads " + std::to_string(settings.threads) + " where the run used " + std::to_string(before.threads) +
               ": the continuation is not bit-identical to an uninterrupted run");
      }
      store->set_status(run, runs::RunStatus::kRunning, trainer.state().seconds);
    }
  }
  if (o.on_start) {
    o.on_start({name, spec.readable(), settled.data, recipe.name, data.train->size(),
                data.val ? data.val->size() : 0, trainer.state().epoch + 1, recipe.epochs});
  }
  trainer.run();
  TrainRunResult result;
  if (store) {
    result.run = store->get(name);
    result.epochs = store->epochs(run);
  }
  result.state = trainer.state();
  result.checkpoint_dir = checkpoint_dir;
  result.store = o.store;
  return result;
}

std::string seed_run_name(const TrainRunOptions& o, uint64_t seed) {
  const std::string base =
      o.name ? *o.name : o.model + "-" + data::parse_data_spec(o.data.value_or("fashion-mnist")).name();
  return base + "-seed" + std::to_string(seed);
}

std::vector<TrainRunResult> train_seeds(const TrainRunOptions& o, int64_t count) {
  WAVETWIN_CHECK(count >= 1, "--seeds ", count, "; expected at least 1 run");
  WAVETWIN_CHECK(o.name || !o.model.empty(), "--seeds: which runs? expected a model (or --name BASE with --resume)");
  std::vector<TrainRunResult> results;
  for (int64_t i = 0; i < count; ++i) {
    TrainRunOptions run = o;
    run.seed = o.seed.value_or(0) + static_cast<uint64_t>(i);
    run.name = seed_run_name(o, *run.seed);
    // Resuming a set, a seed's run continues when it is recorded and starts otherwise: what a restarted job does.
    run.restart = o.resume || o.restart;
    run.resume = false;
    results.push_back(train_run(run));
  }
  return results;
}

}  // namespace wavetwin::train
