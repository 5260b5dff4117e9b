// src/train/trainer.cpp: the training loop, validation, checkpoints and resumption.
#include "wavetwin/train/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "wavetwin/data/loader.h"
#include "wavetwin/error.h"
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
}

void Trainer::resume() {
  const std::string last = options_.checkpoint_dir + "/last.pt";
  WAVETWIN_CHECK(std::filesystem::exists(last), last, ": no checkpoint to resume from; expected a run that ",
                 "completed at least one epoch");
  state_ = runs::load_checkpoint(last, *model_, optimizer_.get());
  model_->to(options_.device);
}

runs::EpochRecord Trainer::train_epoch(int64_t epoch) {
  const Recipe& r = options_.recipe;
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
  data::Loader loader(data_.train, transform, loader_options);
  const int64_t steps = (loader.batches() + r.accumulate - 1) / r.accumulate;

  model_->train();
  const auto start = Clock::now();
  double loss_sum = 0;
  int64_t images = 0, step = 0, sub = 0;
  const layers::TwinConv twin = model_->twin();
  loader.start(epoch);
  data::Batch b;
  optimizer_->zero_grad();
  while (loader.next(b)) {
    const torch::Tensor logits = model_->forward(b.images.to(options_.device));
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, b.labels.to(options_.device));
    const double value = loss.item<double>();
    WAVETWIN_CHECK(std::isfinite(value), "epoch ", epoch + 1, ", batch ", step + 1, ": the loss is ", value,
                   "; stopped (lower the learning rate); the last good checkpoint is ",
                   state_.epoch > 0 ? options_.checkpoint_dir + "/last.pt" : std::string("none (first epoch)"));
    if (twin && !r.lambdas.empty()) loss = loss + twin->selection_penalty(r.lambdas);
    (loss / static_cast<double>(r.accumulate)).backward();
    loss_sum += value * b.labels.size(0);
    images += b.labels.size(0);
    if (++sub == r.accumulate) {
      optimizer_->step();
      optimizer_->zero_grad();
      sub = 0;
      ++step;
      if (options_.progress) {
        const double elapsed = seconds_since(start);
        options_.progress({epoch + 1, r.epochs, step, steps, loss_sum / images, images / elapsed,
                           elapsed / step * (steps - step), false});
      }
    }
  }
  if (sub > 0) {
    optimizer_->step();
    optimizer_->zero_grad();
  }
  runs::EpochRecord record;
  record.epoch = epoch + 1;
  record.lr = lr;
  record.train_loss = images ? loss_sum / images : 0;
  record.seconds = seconds_since(start);
  record.images_per_second = images / record.seconds;
  if (data_.val) {
    if (options_.progress) options_.progress({epoch + 1, r.epochs, steps, steps, record.train_loss, 0, 0, true});
    eval::CropOptions crop;
    crop.size = r.size;
    eval::PredictOptions predict;
    predict.batch = std::max<int64_t>(64, loader_options.batch);
    predict.device = options_.device;
    predict.strict = options_.strict;
    const eval::TopK val = eval::evaluate_onecrop(*model_, *data_.val, crop, predict);
    record.val_top1 = val.top1;
    record.val_top5 = val.top5;
  }
  return record;
}

void Trainer::checkpoint(const runs::EpochRecord& record) {
  const std::string dir = options_.checkpoint_dir;
  runs::save_checkpoint(dir + "/last.pt", *model_, *optimizer_, state_);
  const bool best = state_.best_epoch == record.epoch;
  if (best) std::filesystem::copy_file(dir + "/last.pt", dir + "/best.pt.tmp", std::filesystem::copy_options::overwrite_existing);
  if (best) std::filesystem::rename(dir + "/best.pt.tmp", dir + "/best.pt");
  const bool keep = options_.keep_every > 0 && record.epoch % options_.keep_every == 0;
  const std::string kept = dir + "/epoch-" + std::to_string(record.epoch) + ".pt";
  if (keep) std::filesystem::copy_file(dir + "/last.pt", kept, std::filesystem::copy_options::overwrite_existing);
  if (!store_) return;
  store_->put_epoch(run_, record);
  store_->put_checkpoint(run_, {runs::CheckpointKind::kLast, record.epoch, dir + "/last.pt"});
  if (best) store_->put_checkpoint(run_, {runs::CheckpointKind::kBest, record.epoch, dir + "/best.pt"});
  if (keep) store_->put_checkpoint(run_, {runs::CheckpointKind::kEpoch, record.epoch, kept});
  store_->set_status(run_, runs::RunStatus::kRunning, state_.seconds);
}

void Trainer::run() {
  const int64_t last = options_.stop_after ? std::min(options_.recipe.epochs, state_.epoch + *options_.stop_after)
                                           : options_.recipe.epochs;
  try {
    for (int64_t epoch = state_.epoch; epoch < last; ++epoch) {
      const runs::EpochRecord record = train_epoch(epoch);
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
    if (store_) store_->set_status(run_, runs::RunStatus::kInterrupted, state_.seconds);
    throw;
  } catch (const std::exception& e) {
    if (store_) store_->set_status(run_, runs::RunStatus::kFailed, state_.seconds, e.what());
    throw;
  }
  if (store_) {
    store_->set_status(run_, state_.epoch >= options_.recipe.epochs ? runs::RunStatus::kFinished
                                                                    : runs::RunStatus::kInterrupted,
                       state_.seconds);
  }
}

}  // namespace wavetwin::train
