// src/runs/checkpoint.cpp: checkpoint files (torch::serialize archives).
#include "wavetwin/runs/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <filesystem>
#include <mutex>
#include <sstream>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::runs {

void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD& optimizer,
                     const TrainState& state) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  for (const auto& p : model.named_parameters()) model_archive.write(p.key(), p.value().detach().cpu());
  for (const auto& b : model.named_buffers()) model_archive.write(b.key(), b.value().cpu(), /*is_buffer=*/true);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epoch", torch::tensor(state.epoch));
  archive.write("best_epoch", torch::tensor(state.best_epoch));
  archive.write("best_val_top1", torch::tensor(state.best_val_top1, torch::kFloat64));
  archive.write("seconds", torch::tensor(state.seconds, torch::kFloat64));
  {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("cpu_generator", generator.get_state());
  }
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = bytes.str();
  std::error_code error;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  data::write_file_atomic(path, data.data(), data.size());
}

TrainState load_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD* optimizer) {
  WAVETWIN_CHECK(std::filesystem::exists(path), path, ": no such checkpoint");
  torch::serialize::InputArchive archive, model_archive;
  try {
    archive.load_from(path);
    archive.read("model", model_archive);
  } catch (const c10::Error& e) {
    WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", e.what_without_backtrace(), ")");
  }
  torch::NoGradGuard no_grad;
  const auto restore = [&](const std::string& name, torch::Tensor& target, bool buffer) {
    torch::Tensor value;
    try {
      model_archive.read(name, value, buffer);
    } catch (const c10::Error&) {
      WAVETWIN_FAIL(path, ": no tensor '", name, "'; expected a checkpoint of this model");
    }
    WAVETWIN_CHECK(value.sizes() == target.sizes(), path, ": '", name, "' of shape ", value.sizes(),
                   "; expected ", target.sizes(), " for this model");
    target.copy_(value);
  };
  for (auto& p : model.named_parameters()) restore(p.key(), p.value(), false);
  for (auto& b : model.named_buffers()) restore(b.key(), b.value(), true);
  TrainState state;
  try {
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
    // A fresh tensor per read: reading into a defined tensor would try to resize its storage.
    const auto read = [&](const std::string& key) {
      torch::Tensor value;
      archive.read(key, value);
      return value;
    };
    state.epoch = read("epoch").item<int64_t>();
    state.best_epoch = read("best_epoch").item<int64_t>();
    state.best_val_top1 = read("best_val_top1").item<double>();
    state.seconds = read("seconds").item<double>();
    const torch::Tensor t = read("cpu_generator");
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(t);
  } catch (const c10::Error& e) {
    WAVETWIN_FAIL(path, ": incomplete checkpoint (", e.what_without_backtrace(), ")");
  }
  return state;
}

}  // namespace wavetwin::runs
