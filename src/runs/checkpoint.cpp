// src/runs/checkpoint.cpp: checkpoint files (torch::serialize archives inside a checksummed one).
#include "wavetwin/runs/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::runs {
namespace {

constexpr int64_t kFormat = 2;  // 1: the archive itself, unchecked

uint32_t crc32_of(const void* bytes, size_t size) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(bytes);
  // zlib's length is a uInt: large checkpoints go in pieces.
  for (size_t done = 0; done < size;) {
    const size_t piece = std::min<size_t>(size - done, 1u << 30);
    crc = ::crc32(crc, p + done, static_cast<uInt>(piece));
    done += piece;
  }
  return static_cast<uint32_t>(crc);
}

std::string serialize(torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  return bytes.str();
}

torch::Tensor record_tensor(const EpochRecord& r) {
  return torch::tensor({static_cast<double>(r.epoch), r.train_loss, r.lr, r.val_top1.value_or(NAN),
                        r.val_top5.value_or(NAN), r.seconds, r.images_per_second}, torch::kFloat64);
}

EpochRecord epoch_record(const torch::Tensor& t) {
  const auto v = t.accessor<double, 1>();
  const auto optional = [](double x) { return std::isnan(x) ? std::nullopt : std::optional<double>(x); };
  return {static_cast<int64_t>(v[0]), v[1], v[2], optional(v[3]), optional(v[4]), v[5], v[6]};
}

}  // namespace

void save_checkpoints(const std::vector<std::string>& paths, torch::nn::Module& model, torch::optim::SGD& optimizer,
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
  archive.write("epoch_record", record_tensor(state.record));
  {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("cpu_generator", generator.get_state());
  }
  std::string payload = serialize(archive);
  torch::serialize::OutputArchive checked;
  checked.write("format", torch::tensor(kFormat));
  checked.write("crc32", torch::tensor(static_cast<int64_t>(crc32_of(payload.data(), payload.size()))));
  checked.write("payload", torch::from_blob(payload.data(), {static_cast<int64_t>(payload.size())}, torch::kUInt8));
  const std::string data = serialize(checked);
  for (const auto& path : paths) {
    std::error_code error;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    data::write_file_atomic(path, data.data(), data.size());
  }
}

void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD& optimizer,
                     const TrainState& state) {
  save_checkpoints({path}, model, optimizer, state);
}

namespace {

// The checkpoint's archive: unwrapped from its checksummed envelope (and checked), or the file itself for
// checkpoints written before the checksum.
torch::serialize::InputArchive open_checkpoint(const std::string& path) {
  WAVETWIN_CHECK(std::filesystem::exists(path), path, ": no such checkpoint");
  WAVETWIN_CHECK(!std::filesystem::is_directory(path), path, ": a folder; expected a checkpoint file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", e.what_without_backtrace(), ")");
  }
  torch::Tensor payload;
  if (archive.try_read("payload", payload)) {
    torch::Tensor crc;
    WAVETWIN_CHECK(archive.try_read("crc32", crc) && payload.scalar_type() == torch::kUInt8 && payload.dim() == 1,
                   path, ": a damaged checkpoint (no checksum or no bytes); expected one written by wavetwin train");
    const uint32_t actual = crc32_of(payload.data_ptr(), static_cast<size_t>(payload.numel()));
    WAVETWIN_CHECK(static_cast<int64_t>(actual) == crc.item<int64_t>(), path,
                   ": corrupt checkpoint (CRC-32 ", actual, ", recorded ", crc.item<int64_t>(),
                   "); expected an intact file: resume or evaluate from an earlier checkpoint (--keep-every, best.pt)");
    try {
      archive.load_from(static_cast<const char*>(payload.data_ptr()), static_cast<size_t>(payload.numel()));
    } catch (const c10::Error& e) {
      WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", e.what_without_backtrace(), ")");
    }
  }
  return archive;
}

torch::serialize::InputArchive model_archive_of(torch::serialize::InputArchive& archive, const std::string& path) {
  torch::serialize::InputArchive model_archive;
  try {
    archive.read("model", model_archive);
  } catch (const c10::Error& e) {
    WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", e.what_without_backtrace(), ")");
  }
  return model_archive;
}

}  // namespace

bool is_checkpoint(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    return true;
  } catch (const c10::Error&) {
    return false;
  }
}

std::vector<std::pair<std::string, torch::Tensor>> checkpoint_weights(const std::string& path) {
  torch::serialize::InputArchive archive = open_checkpoint(path);
  torch::serialize::InputArchive model_archive = model_archive_of(archive, path);
  std::vector<std::pair<std::string, torch::Tensor>> weights;
  for (const auto& key : model_archive.keys()) {
    torch::Tensor value;
    // Parameters and buffers are stored alike; a buffer read as a parameter fails, and the other way round.
    if (!model_archive.try_read(key, value, false) && !model_archive.try_read(key, value, true)) continue;
    weights.emplace_back(key, value);
  }
  return weights;
}

TrainState load_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD* optimizer) {
  torch::serialize::InputArchive archive = open_checkpoint(path);
  torch::serialize::InputArchive model_archive = model_archive_of(archive, path);
  // Everything is read and checked before the model changes.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> targets;
  const auto read_tensor = [&](const std::string& name, const torch::Tensor& target, bool buffer) {
    torch::Tensor value;
    try {
      model_archive.read(name, value, buffer);
    } catch (const c10::Error&) {
      WAVETWIN_FAIL(path, ": no tensor '", name, "'; expected a checkpoint of this model");
    }
    WAVETWIN_CHECK(value.sizes() == target.sizes(), path, ": '", name, "' of shape ", value.sizes(),
                   "; expected ", target.sizes(), " for this model");
    WAVETWIN_CHECK(!value.is_floating_point() || torch::isfinite(value).all().item<bool>(), path, ": '", name,
                   "' holds NaN or infinite values; expected finite weights (an earlier checkpoint, --keep-every)");
    targets.emplace_back(target, value);
  };
  for (const auto& p : model.named_parameters()) read_tensor(p.key(), p.value(), false);
  for (const auto& b : model.named_buffers()) read_tensor(b.key(), b.value(), true);
  TrainState state;
  torch::Tensor generator_state;
  try {
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
    torch::Tensor record;
    if (archive.try_read("epoch_record", record)) state.record = epoch_record(record);
    generator_state = read("cpu_generator");
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
  } catch (const c10::Error& e) {
    WAVETWIN_FAIL(path, ": incomplete checkpoint (", e.what_without_backtrace(), ")");
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& [target, value] : targets) target.copy_(value);
  }
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(generator_state);
  return state;
}

}  // namespace wavetwin::runs
