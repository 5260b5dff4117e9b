// src/train/train_run.cpp: the training workflow.
#include "wavetwin/train/train_run.h"

#include <torch/torch.h>

#include <filesystem>
#include <memory>

#include "wavetwin/data/source.h"
#include "wavetwin/dist/world.h"
#include "wavetwin/error.h"
#include "wavetwin/models/model.h"

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

TrainRunResult train_run(const TrainRunOptions& o) {
  if (o.threads > 0) at::set_num_threads(static_cast<int>(o.threads));
  const Recipe recipe = make_recipe(o.recipe, o.overrides);
  WAVETWIN_CHECK(!o.train_images || *o.train_images >= 1, "--train-images ", o.train_images.value_or(0),
                 "; expected at least 1 (or leave it out for all)");
  WAVETWIN_CHECK(o.threads >= 0 && o.loader_threads >= 0, "threads ", o.threads, ", loader threads ", o.loader_threads,
                 "; expected counts >= 0 (0: the default)");
  WAVETWIN_CHECK(o.keep_every >= 0, "--keep-every ", o.keep_every, "; expected >= 0 (0: only the last and best)");
  WAVETWIN_CHECK(!o.stop_after || *o.stop_after >= 1, "--stop-after ", o.stop_after.value_or(0),
                 "; expected at least 1 epoch (or leave it out to train to the end)");
  data::DataOptions data_options;
  data_options.holdout_per_class = recipe.holdout;
  data_options.strict = o.strict;
  data_options.cache_dir = o.cache;
  data::DataSplits data = data::open_data(o.data, data_options);
  if (o.train_images && *o.train_images < data.train->size()) {
    data.train = std::make_shared<data::SubsetDataset>(data.train, data::evenly_spaced(data.train->size(), *o.train_images));
  }
  if (!data.failures.empty() && o.warn) {
    o.warn(std::to_string(data.failures.size()) + " images could not be decoded and are left out, the first: " +
           data.failures.front().reason);
  }
  models::ModelSpec spec = models::parse_model_spec(o.model);
  const int64_t classes = static_cast<int64_t>(data.train->classes().size());
  if (spec.classes != classes || spec.in_channels != data.train->channels()) {
    if (o.warn) {
      o.warn(o.model + " is for " + std::to_string(spec.classes) + " classes and " + std::to_string(spec.in_channels) +
             " channels; the data has " + std::to_string(classes) + " and " + std::to_string(data.train->channels()) +
             ": adapted");
    }
    spec.classes = classes;
    spec.in_channels = data.train->channels();
  }
  const std::string model_name = spec.paper_name().empty() ? o.model : spec.paper_name();
  const std::string name = o.name.value_or(model_name + "-" + data.name);
  const bool leader = !o.world || o.world->rank() == 0;
  const std::string checkpoint_dir = (std::filesystem::path(o.store).parent_path() / name).string();
  std::unique_ptr<runs::RunStore> store;
  if (leader) store = std::make_unique<runs::RunStore>(o.store);
  bool resume = o.resume;
  if (o.restart && !resume) {
    // Rank 0 decides, from its store and checkpoint folder, and tells the others.
    if (leader) {
      const bool recorded = store->find(name).has_value();
      resume = recorded && std::filesystem::exists(checkpoint_dir + "/last.pt");
      if (recorded && !resume) store->remove(name);
    }
    if (o.world) {
      std::vector<torch::Tensor> decision{torch::full({1}, int64_t{resume ? 1 : 0}, torch::kInt64)};
      o.world->broadcast(decision, 0);
      resume = decision[0].item<int64_t>() != 0;
    }
  }
  int64_t run = 0;
  if (leader) {
    if (resume) {
      const runs::RunRecord record = store->get(name);
      WAVETWIN_CHECK(record.spec == spec.readable() && record.dataset == o.data, "--resume ", name,
                     ": the run trains ", record.spec, " on ", record.dataset,
                     "; expected the same model and data, got ", spec.readable(), " on ", o.data);
      run = record.id;
    } else {
      RunSettings settings;
      settings.recipe = recipe, settings.seed = o.seed, settings.threads = o.threads;
      settings.loader_threads = o.loader_threads, settings.keep_every = o.keep_every;
      settings.train_images = o.train_images, settings.strict = o.strict, settings.device = o.device.str();
      settings.world_size = o.world ? o.world->size() : 1;
      settings.sync_batch_norm = o.sync_batch_norm;
      runs::RunRecord record;
      record.name = name, record.spec = spec.readable(), record.dataset = o.data, record.recipe = recipe.name;
      record.size = recipe.size, record.holdout = recipe.holdout;
      record.options = settings, record.code_version = runs::code_version();
      run = store->create_run(record);
    }
  }
  torch::manual_seed(o.seed);
  const auto model = models::make_model(spec);
  TrainerOptions options;
  options.recipe = recipe;
  options.checkpoint_dir = checkpoint_dir;
  options.seed = o.seed;
  options.keep_every = o.keep_every;
  options.loader_threads = o.loader_threads;
  options.strict = o.strict;
  options.device = o.device;
  options.stop_after = o.stop_after;
  options.progress = o.progress;
  options.world = o.world;
  options.sync_batch_norm = o.sync_batch_norm;
  Trainer trainer(model, data, options, store.get(), run);
  if (resume) trainer.resume();
  if (o.on_start) {
    o.on_start({name, spec.readable(), o.data, recipe.name, data.train->size(), data.val ? data.val->size() : 0,
                trainer.state().epoch + 1, recipe.epochs});
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

}  // namespace wavetwin::train
