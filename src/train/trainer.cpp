// src/train/trainer.cpp: the training loop, validation, checkpoints and resumption.
#include "wavetwin/train/trainer.h"

#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "wavetwin/data/loader.h"
#include "wavetwin/dist/gradient_reducer.h"
#include "wavetwin/dist/shard.h"
#include "wavetwin/dist/sync_batch_norm.h"
#include "wavetwin/dist/world.h"
#include "wavetwin/error.h"
#include "wavetwin/fault.h"
#include "wavetwin/eval/accuracy.h"

namespace wavetwin::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Trainer::Trainer(std::shared_ptr<models::Model> model, data::DataSplits data, TrainerOptions options,
                 runs::RunStore* store, int64_t run)
    : model_(std::move(model)), data_(std::move(data)), options_(std::move(options)), store_(store), run_(run) {
  validate(options_.recipe);
  WAVETWIN_CHECK(data_.train && data_.train->size() > 0, "trainer: no training images");
  const auto& spec = model_->spec();
  WAVETWIN_CHECK(spec.classes == static_cast<int64_t>(data_.train->classes().size()) &&
                     spec.in_channels == data_.train->channels(),
                 "trainer: model for ", spec.classes, " classes and ", spec.in_channels, " channels; expected ",
                 data_.train->classes().size(), " classes and ", data_.train->channels(), " channels (the data's)");
  if (!options_.recipe.lambdas.empty()) {
    WAVETWIN_CHECK(!model_->twin() || model_->twin()->featmapmix.size() == options_.recipe.lambdas.size(),
                   "trainer: ", options_.recipe.lambdas.size(), " penalty lambdas for a twin with ",
                   model_->twin() ? model_->twin()->featmapmix.size() : 0, " mixing sections; expected one each");
  }
  model_->to(options_.device);
  const Recipe& r = options_.recipe;
  optimizer_ = std::make_unique<torch::optim::SGD>(
      model_->parameters(),
      torch::optim::SGDOptions(learning_rate(r, 0)).momentum(r.momentum).weight_decay(r.weight_decay));
  if (dist::World* world = options_.world) {
    const int64_t micro = std::min(r.batch / r.accumulate, data_.train->size());
    WAVETWIN_CHECK(micro >= world->size(), "distributed training: batches of ", micro, " images over ",
                   world->size(), " ranks; expected at least one image per rank (a larger --batch, a smaller ",
                   "--accumulate, or fewer ranks)");
    dist::broadcast_module(*world, *model_);
    reducer_ = std::make_unique<dist::GradientReducer>(*world, *model_);
    if (options_.sync_batch_norm) dist::synchronise_batch_norm(*model_, *world);
  }
}

// The model may outlive the world its batch normalisations were summing over.
Trainer::~Trainer() {
  if (options_.world && options_.sync_batch_norm) layers::set_batch_sum(*model_, nullptr);
}

bool Trainer::leader() const { return !options_.world || options_.world->rank() == 0; }

void Trainer::resume() {
  const std::string last = options_.checkpoint_dir + "/last.pt";
  dist::World* world = options_.world;
  const bool found = !leader() || std::filesystem::exists(last);
  if (!world || world->size() == 1) {
    WAVETWIN_CHECK(found, last, ": no checkpoint to resume from; expected a run that completed at least one epoch");
    state_ = runs::load_checkpoint(last, *model_, optimizer_.get());
    model_->to(options_.device);
    recover_records();
    return;
  }
  // Rank 0's checkpoint is sent to the others, which need not share its file system; an empty one says none.
  std::string bytes;
  if (leader() && found) {
    std::ifstream in(last, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes = world->broadcast_bytes(bytes);
  WAVETWIN_CHECK(!bytes.empty(), last, " (on rank 0): no checkpoint to resume from; expected a run that completed at ",
                 "least one epoch");
  std::string path = last;
  if (!leader()) {
    path = (std::filesystem::temp_directory_path() /
            ("wavetwin-resume-" + std::to_string(::getpid()) + ".pt")).string();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    WAVETWIN_CHECK(out.good(), path, ": the checkpoint received from rank 0 could not be written");
  }
  try {
    state_ = runs::load_checkpoint(path, *model_, optimizer_.get());
  } catch (...) {
    if (!leader()) std::filesystem::remove(path);
    throw;
  }
  if (!leader()) std::filesystem::remove(path);
  model_->to(options_.device);
  recover_records();
}

void Trainer::recover_records() {
  if (!leader() || !store_ || state_.epoch == 0 || state_.record.epoch != state_.epoch) return;
  const std::vector<runs::EpochRecord> recorded = store_->epochs(run_);
  if (!recorded.empty() && recorded.back().epoch >= state_.epoch) return;
  store_->record_epoch(run_, state_.record, checkpoints_of(state_.epoch), state_.seconds);
}

void Trainer::sync_gradients() {
  std::vector<torch::Tensor> grads;
  for (const auto& p : model_->parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  options_.world->all_reduce_sum(grads);
  for (auto& g : grads) g.div_(static_cast<double>(options_.world->size()));
}

runs::EpochRecord Trainer::train_epoch(int64_t epoch) {
  const Recipe& r = options_.recipe;
  dist::World* world = options_.world;
  const int64_t ranks = world ? world->size() : 1;
  const double lr = learning_rate(r, epoch);
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
  data::TransformOptions transform = data::default_transform(true, r.size, data_.train->channels());
  transform.scale = {r.crop_scale, 1.0};
  data::LoaderOptions loader_options;
  loader_options.batch = r.batch / r.accumulate;
  loader_options.drop_last = data_.train->size() >= r.batch;
  loader_options.seed = options_.seed;
  loader_options.threads = options_.loader_threads;
  loader_options.strict = options_.strict;
  loader_options.parts = ranks;
  loader_options.part = world ? world->rank() : 0;
  data::Loader loader(data_.train, transform, loader_options);
  const int64_t micros = loader.batches();
  const int64_t steps = (micros + r.accumulate - 1) / r.accumulate;

  model_->train();
  const auto start = Clock::now();
  double loss_sum = 0;
  int64_t images = 0, all_images = 0, step = 0, sub = 0, micro = 0;
  const layers::TwinConv twin = model_->twin();
  loader.start(epoch);
  data::Batch b;
  dist::zero_gradients(*model_);
  const auto apply = [&] {
    optimizer_->step();
    dist::zero_gradients(*model_);
    sub = 0;
    ++step;
    fault_point("batch");
  };
  while (loader.next(b)) {
    const bool sync_point = sub + 1 == r.accumulate || micro + 1 == micros;
    ++micro;
    const int64_t count = b.images.defined() ? b.labels.size(0) : 0;
    int64_t items = count;  // in the whole (micro-)batch, over the ranks
    if (world) {
      std::vector<torch::Tensor> counts{torch::zeros({ranks}, torch::kInt64)};
      counts[0][world->rank()] = count;
      world->all_reduce_sum(counts);
      items = counts[0].sum().item<int64_t>();
      if (counts[0].min().item<int64_t>() == 0) {
        // A rank whose part failed to decode entirely: every rank leaves this micro-batch out.
        if (sync_point && sub > 0) {
          sync_gradients();
          apply();
        }
        continue;
      }
    }
    const bool reduce = reducer_ && sync_point;
    if (reduce) reducer_->prepare_forward();
    const torch::Tensor logits = model_->forward(b.images.to(options_.device));
    const torch::Tensor mean = torch::nn::functional::cross_entropy(logits, b.labels.to(options_.device));
    const double value = mean.item<double>();
    WAVETWIN_CHECK(std::isfinite(value), "epoch ", epoch + 1, ", batch ", step + 1, ": the loss is ", value,
                   "; stopped (lower the learning rate); the last good checkpoint is ",
                   state_.epoch > 0 ? options_.checkpoint_dir + "/last.pt" : std::string("none (first epoch)"));
    torch::Tensor loss = world ? mean * dist::loss_weight(count, items, ranks) : mean;
    if (twin && !r.lambdas.empty()) loss = loss + twin->selection_penalty(r.lambdas);
    loss = loss / static_cast<double>(r.accumulate);
    if (reduce) reducer_->prepare_backward(loss);
    loss.backward();
    loss_sum += value * static_cast<double>(count);
    images += count;
    all_images += items;
    if (++sub == r.accumulate) {
      apply();
      if (options_.progress) {
        const double elapsed = seconds_since(start);
        options_.progress({epoch + 1, r.epochs, step, steps, loss_sum / static_cast<double>(images),
                           static_cast<double>(all_images) / elapsed, elapsed / static_cast<double>(step) * static_cast<double>(steps - step), false});
      }
    }
  }
  if (sub > 0) apply();
  runs::EpochRecord record;
  record.epoch = epoch + 1;
  record.lr = lr;
  if (world) {
    // The epoch's mean loss over every rank's images; rank 0's running statistics for the evaluation (the
    // ranks' own with synchronised batch normalisation, equal already).
    std::vector<torch::Tensor> totals{torch::tensor({loss_sum, static_cast<double>(images)}, torch::kFloat64)};
    world->all_reduce_sum(totals);
    loss_sum = totals[0][0].item<double>();
    images = static_cast<int64_t>(totals[0][1].item<double>());
    dist::broadcast_buffers(*world, *model_);
  }
  record.train_loss = images ? loss_sum / static_cast<double>(images) : 0;
  record.seconds = seconds_since(start);
  record.images_per_second = static_cast<double>(images) / record.seconds;
  if (data_.val) {
    fault_point("validation");
    if (options_.progress) options_.progress({epoch + 1, r.epochs, steps, steps, record.train_loss, 0, 0, true});
    eval::CropOptions crop;
    crop.size = r.size;
    eval::PredictOptions predict;
    predict.batch = std::max<int64_t>(64, loader_options.batch / ranks);
    predict.device = options_.device;
    predict.strict = options_.strict;
    if (world) predict.shard = dist::evaluation_shard(*world);
    const eval::TopK val = eval::evaluate_onecrop(*model_, *data_.val, crop, predict);
    record.val_top1 = val.top1;
    record.val_top5 = val.top5;
  }
  return record;
}

std::vector<runs::CheckpointRecord> Trainer::checkpoints_of(int64_t epoch) const {
  const std::string& dir = options_.checkpoint_dir;
  std::vector<runs::CheckpointRecord> written;
  if (options_.keep_every > 0 && epoch % options_.keep_every == 0) {
    written.push_back({runs::CheckpointKind::kEpoch, epoch, dir + "/epoch-" + std::to_string(epoch) + ".pt"});
  }
  if (state_.best_epoch == epoch) written.push_back({runs::CheckpointKind::kBest, epoch, dir + "/best.pt"});
  written.push_back({runs::CheckpointKind::kLast, epoch, dir + "/last.pt"});
  return written;
}

// Files first, last.pt last, then the store in one transaction: a kill before last.pt's rename resumes from
// the previous epoch and redoes this one (rewriting the same best and kept files); a kill after it leaves the
// store one epoch behind, which resume() mends from the record inside last.pt.
void Trainer::checkpoint(const runs::EpochRecord& record) {
  if (!leader()) return;
  state_.record = record;
  const std::vector<runs::CheckpointRecord> written = checkpoints_of(record.epoch);
  std::vector<std::string> paths;
  for (const auto& c : written) paths.push_back(c.path);
  runs::save_checkpoints(paths, *model_, *optimizer_, state_);
  fault_point("checkpoint.saved");
  if (store_) store_->record_epoch(run_, record, written, state_.seconds);
}

// The error that stopped the run is the one to report: a store that cannot record the stop (the same full
// disk) leaves the run "killed" (runs/run_lock.h), which is resumable all the same.
void Trainer::record_stop(runs::RunStatus status, const std::string& failure) {
  if (!store_) return;
  try {
    store_->set_status(run_, status, state_.seconds, failure);
  } catch (const std::exception&) {
    return;
  }
}

void Trainer::run() {
  const int64_t last = options_.stop_after ? std::min(options_.recipe.epochs, state_.epoch + *options_.stop_after)
                                           : options_.recipe.epochs;
  try {
    for (int64_t epoch = state_.epoch; epoch < last; ++epoch) {
      runs::EpochRecord record;
      try {
        record = train_epoch(epoch);
      } catch (const Error&) {
        throw;
      } catch (const Interrupted&) {
        throw;
      } catch (const std::exception& e) {
        // The gradient reducer's collectives fail inside the backward pass, as libtorch's or Gloo's errors.
        if (!options_.world) throw;
        const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
        options_.world->fail("training (epoch " + std::to_string(epoch + 1) + ")",
                             torch_error ? torch_error->what_without_backtrace() : e.what());
      }
      state_.epoch = epoch + 1;
      state_.seconds += record.seconds;
      // The reference's best-epoch rule: an improvement of more than 1e-4 (no validation: the latest epoch).
      if (!record.val_top1 || *record.val_top1 < state_.best_val_top1 - 1e-4) {
        state_.best_val_top1 = record.val_top1.value_or(state_.best_val_top1);
        state_.best_epoch = record.epoch;
      }
      checkpoint(record);
    }
  } catch (const Interrupted&) {
    record_stop(runs::RunStatus::kInterrupted, "");
    throw;
  } catch (const std::exception& e) {
    record_stop(runs::RunStatus::kFailed, e.what());
    throw;
  }
  if (store_) {
    store_->set_status(run_, state_.epoch >= options_.recipe.epochs ? runs::RunStatus::kFinished
                                                                    : runs::RunStatus::kInterrupted,
                       state_.seconds);
  }
}

}  // namespace wavetwin::train
