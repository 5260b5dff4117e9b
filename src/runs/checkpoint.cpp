// src/runs/checkpoint.cpp: checkpoint files: a pickled dictionary (format 3) holding the checkpoint's own pickled
// dictionary as bytes and their CRC-32; formats 1 and 2 (torch::serialize archives) read on request.
#include "wavetwin/runs/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

#include "wavetwin/data/file.h"
#include "wavetwin/data/torch_archive.h"
#include "wavetwin/error.h"

namespace wavetwin::runs {
namespace {

// 1: a torch::serialize archive, unchecked; 2: one inside a checksummed archive; 3: pickled dictionaries, which
// libtorch reads without its TorchScript importer (that one trusts the code it is given: fuzzing crashed it).
constexpr int64_t kFormat = 3;

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

using Dict = c10::impl::GenericDict;

Dict new_dict() { return Dict(c10::StringType::get(), c10::AnyType::get()); }

std::vector<char> pickle(const Dict& dict) { return torch::pickle_save(c10::IValue(dict)); }

torch::Tensor bytes_tensor(std::vector<char>& bytes) {
  return torch::from_blob(bytes.data(), {static_cast<int64_t>(bytes.size())}, torch::kUInt8);
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
  c10::Dict<std::string, torch::Tensor> weights, momentum;
  Dict contents = new_dict();
  for (const auto& p : model.named_parameters()) weights.insert(p.key(), p.value().detach().cpu());
  for (const auto& b : model.named_buffers()) weights.insert(b.key(), b.value().cpu());
  for (const auto& p : model.named_parameters()) {
    const auto found = optimizer.state().find(c10::guts::to_string(p.value().unsafeGetTensorImpl()));
    if (found == optimizer.state().end()) continue;
    const auto& sgd = static_cast<const torch::optim::SGDParamState&>(*found->second);
    if (sgd.momentum_buffer().defined()) momentum.insert(p.key(), sgd.momentum_buffer().cpu());
  }
  const auto& options = static_cast<const torch::optim::SGDOptions&>(optimizer.param_groups().at(0).options());
  contents.insert("model", weights);
  contents.insert("momentum", momentum);
  contents.insert("sgd", torch::tensor({options.lr(), options.momentum(), options.dampening(), options.weight_decay(),
                                        options.nesterov() ? 1.0 : 0.0}, torch::kFloat64));
  contents.insert("epoch", state.epoch);
  contents.insert("best_epoch", state.best_epoch);
  contents.insert("best_val_top1", state.best_val_top1);
  contents.insert("seconds", state.seconds);
  contents.insert("epoch_record", record_tensor(state.record));
  {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    contents.insert("cpu_generator", generator.get_state());
  }
  std::vector<char> payload = pickle(contents);
  Dict checked = new_dict();
  checked.insert("format", kFormat);
  checked.insert("crc32", static_cast<int64_t>(crc32_of(payload.data(), payload.size())));
  checked.insert("payload", bytes_tensor(payload));
  const std::vector<char> data = pickle(checked);
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

// What libtorch's readers say, in one line: they throw c10::Error (with a backtrace), and torch::jit::ErrorReport
// (another std::exception, with a source excerpt) for types they do not know.
std::string reader_error(const std::exception& e) {
  const auto* error = dynamic_cast<const c10::Error*>(&e);
  const std::string text = error ? error->what_without_backtrace() : e.what();
  const size_t start = text.find_first_not_of('\n');
  return start == std::string::npos ? text : text.substr(start, text.find('\n', start) - start);
}

// What a checkpoint holds, whichever format held it.
struct Contents {
  std::vector<std::pair<std::string, torch::Tensor>> weights;  ///< parameters and buffers, in the model's order
  TrainState state;
  torch::Tensor generator;
  /// Momentum buffers by parameter name and the SGD options (lr, momentum, dampening, weight decay, nesterov);
  /// formats 1 and 2 restore the optimiser themselves instead.
  std::map<std::string, torch::Tensor> momentum;
  torch::Tensor sgd;
  std::function<void(torch::optim::SGD&)> restore_optimizer;
};

// Whether an archive is a torch::serialize one (formats 1 and 2): those hold TorchScript code.
bool holds_code(const data::TorchArchive& archive) {
  return std::any_of(archive.records.begin(), archive.records.end(),
                     [](const std::string& record) { return record.find("/code/") != std::string::npos; });
}

// The pickled dictionary in `bytes`, checked before libtorch reads it.
Dict unpickle(const std::vector<char>& bytes, const std::string& path) {
  const std::string problem = data::inspect_torch_archive(bytes.data(), bytes.size()).problem;
  WAVETWIN_CHECK(problem.empty(), path, ": not a wavetwin checkpoint (", problem, ")");
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const std::exception& e) {
    WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", reader_error(e), ")");
  }
  WAVETWIN_CHECK(value.isGenericDict(), path, ": not a wavetwin checkpoint (a ", value.tagKind(),
                 ", not a dictionary)");
  return value.toGenericDict();
}

// The entry `key` of a checkpoint's dictionary, of the kind `is` accepts.
c10::IValue entry(const Dict& dict, const std::string& key, bool (c10::IValue::*is)() const, const std::string& path) {
  const auto found = dict.find(key);
  WAVETWIN_CHECK(found != dict.end() && (found->value().*is)(), path, ": incomplete checkpoint (no ", key,
                 "); expected one written by wavetwin train");
  return found->value();
}

// The named tensors of a dictionary entry, in their order (a pickled dictionary keeps it).
std::vector<std::pair<std::string, torch::Tensor>> tensors(const c10::IValue& value, const std::string& key,
                                                           const std::string& path) {
  WAVETWIN_CHECK(value.isGenericDict(), path, ": incomplete checkpoint (", key, " is no dictionary)");
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& e : value.toGenericDict()) {
    WAVETWIN_CHECK(e.key().isString() && e.value().isTensor(), path, ": incomplete checkpoint (", key,
                   " holds something else than named tensors)");
    out.emplace_back(e.key().toStringRef(), e.value().toTensor());
  }
  return out;
}

torch::Tensor payload_bytes(const Dict& checked, const std::string& path) {
  const torch::Tensor payload = entry(checked, "payload", &c10::IValue::isTensor, path).toTensor();
  const c10::IValue crc = entry(checked, "crc32", &c10::IValue::isInt, path);
  WAVETWIN_CHECK(payload.scalar_type() == torch::kUInt8 && payload.dim() == 1 && payload.is_contiguous(), path,
                 ": a damaged checkpoint (its payload is no byte string); expected one written by wavetwin train");
  const uint32_t actual = crc32_of(payload.data_ptr(), static_cast<size_t>(payload.numel()));
  WAVETWIN_CHECK(static_cast<int64_t>(actual) == crc.toInt(), path, ": corrupt checkpoint (CRC-32 ", actual,
                 ", recorded ", crc.toInt(),
                 "); expected an intact file: resume or evaluate from an earlier checkpoint (--keep-every, best.pt)");
  return payload;
}

Contents read_format3(const Dict& checked, const std::string& path) {
  const c10::IValue format = entry(checked, "format", &c10::IValue::isInt, path);
  WAVETWIN_CHECK(format.toInt() == kFormat, path, ": checkpoint format ", format.toInt(), "; expected ", kFormat,
                 " (written by a later wavetwin? update wavetwin)");
  const torch::Tensor payload = payload_bytes(checked, path);
  const auto* bytes = static_cast<const char*>(payload.data_ptr());
  const Dict dict = unpickle(std::vector<char>(bytes, bytes + payload.numel()), path);
  Contents c;
  c.weights = tensors(entry(dict, "model", &c10::IValue::isGenericDict, path), "model", path);
  for (auto& [name, buffer] : tensors(entry(dict, "momentum", &c10::IValue::isGenericDict, path), "momentum", path)) {
    c.momentum[name] = buffer;
  }
  c.sgd = entry(dict, "sgd", &c10::IValue::isTensor, path).toTensor();
  WAVETWIN_CHECK(c.sgd.scalar_type() == torch::kFloat64 && c.sgd.numel() == 5, path,
                 ": incomplete checkpoint (sgd holds no 5 options)");
  c.state.epoch = entry(dict, "epoch", &c10::IValue::isInt, path).toInt();
  c.state.best_epoch = entry(dict, "best_epoch", &c10::IValue::isInt, path).toInt();
  c.state.best_val_top1 = entry(dict, "best_val_top1", &c10::IValue::isDouble, path).toDouble();
  c.state.seconds = entry(dict, "seconds", &c10::IValue::isDouble, path).toDouble();
  const torch::Tensor record = entry(dict, "epoch_record", &c10::IValue::isTensor, path).toTensor();
  WAVETWIN_CHECK(record.scalar_type() == torch::kFloat64 && record.dim() == 1 && record.numel() == 7, path,
                 ": incomplete checkpoint (epoch_record holds no 7 values)");
  c.state.record = epoch_record(record);
  c.generator = entry(dict, "cpu_generator", &c10::IValue::isTensor, path).toTensor();
  return c;
}

// Formats 1 and 2 go through libtorch's TorchScript importer, which trusts the code in the file: only on request.
Contents read_archive(const std::vector<char>& bytes, const std::string& path) {
  const char* allowed = std::getenv("WAVETWIN_LEGACY_CHECKPOINTS");
  WAVETWIN_CHECK(allowed && std::string(allowed) == "1", path,
                 ": a checkpoint of an earlier wavetwin (format 1 or 2), which libtorch reads with an importer that ",
                 "trusts the file; expected format 3: set WAVETWIN_LEGACY_CHECKPOINTS=1 for a file you trust (resuming ",
                 "its run then writes format 3)");
  auto archive = std::make_shared<torch::serialize::InputArchive>();
  const auto load = [&](const char* data, size_t size) {
    try {
      archive->load_from(data, size);
    } catch (const std::exception& e) {
      WAVETWIN_FAIL(path, ": not a wavetwin checkpoint (", reader_error(e), ")");
    }
  };
  load(bytes.data(), bytes.size());
  torch::Tensor payload;
  if (archive->try_read("payload", payload)) {
    torch::Tensor crc;
    WAVETWIN_CHECK(archive->try_read("crc32", crc) && crc.numel() == 1, path,
                   ": a damaged checkpoint (no checksum); expected one written by wavetwin train");
    Dict checked = new_dict();
    checked.insert("payload", payload);
    checked.insert("crc32", crc.item<int64_t>());
    payload_bytes(checked, path);
    load(static_cast<const char*>(payload.data_ptr()), static_cast<size_t>(payload.numel()));
  }
  Contents c;
  try {
    torch::serialize::InputArchive model_archive;
    archive->read("model", model_archive);
    for (const auto& key : model_archive.keys()) {
      torch::Tensor value;
      // Parameters and buffers are stored alike; a buffer read as a parameter fails, and the other way round.
      if (model_archive.try_read(key, value, false) || model_archive.try_read(key, value, true)) {
        c.weights.emplace_back(key, value);
      }
    }
    // A fresh tensor per read: reading into a defined tensor would try to resize its storage.
    const auto read = [&](const std::string& key) {
      torch::Tensor value;
      archive->read(key, value);
      return value;
    };
    c.state.epoch = read("epoch").item<int64_t>();
    c.state.best_epoch = read("best_epoch").item<int64_t>();
    c.state.best_val_top1 = read("best_val_top1").item<double>();
    c.state.seconds = read("seconds").item<double>();
    torch::Tensor record;
    if (archive->try_read("epoch_record", record)) c.state.record = epoch_record(record);
    c.generator = read("cpu_generator");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    WAVETWIN_FAIL(path, ": incomplete checkpoint (", reader_error(e), ")");
  }
  c.restore_optimizer = [archive, path](torch::optim::SGD& optimizer) {
    try {
      torch::serialize::InputArchive optimizer_archive;
      archive->read("optimizer", optimizer_archive);
      optimizer.load(optimizer_archive);
    } catch (const std::exception& e) {
      WAVETWIN_FAIL(path, ": incomplete checkpoint (", reader_error(e), ")");
    }
  };
  return c;
}

Contents read_checkpoint(const std::string& path) {
  WAVETWIN_CHECK(std::filesystem::exists(path), path, ": no such checkpoint");
  WAVETWIN_CHECK(!std::filesystem::is_directory(path), path, ": a folder; expected a checkpoint file");
  const std::vector<char> bytes = data::read_file(path);
  const data::TorchArchive archive = data::inspect_torch_archive(bytes.data(), bytes.size());
  WAVETWIN_CHECK(archive.problem.empty(), path, ": not a wavetwin checkpoint (", archive.problem, ")");
  return holds_code(archive) ? read_archive(bytes, path) : read_format3(unpickle(bytes, path), path);
}

}  // namespace

bool is_checkpoint(const std::string& path) {
  try {
    const std::vector<char> bytes = data::read_file(path);
    const data::TorchArchive archive = data::inspect_torch_archive(bytes.data(), bytes.size());
    if (!archive.problem.empty()) return false;
    if (holds_code(archive)) return true;
    const Dict dict = unpickle(bytes, path);
    return dict.contains("format") && dict.contains("payload");
  } catch (const Error&) {
    return false;
  }
}

std::vector<std::pair<std::string, torch::Tensor>> checkpoint_weights(const std::string& path) {
  return read_checkpoint(path).weights;
}

TrainState load_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD* optimizer) {
  Contents contents = read_checkpoint(path);
  // Everything is read and checked before the model or the optimiser changes.
  const auto check = [&](const std::string& name, const torch::Tensor& target, const torch::Tensor& value) {
    WAVETWIN_CHECK(value.defined(), path, ": no tensor '", name, "'; expected a checkpoint of this model");
    WAVETWIN_CHECK(value.sizes() == target.sizes(), path, ": '", name, "' of shape ", value.sizes(), "; expected ",
                   target.sizes(), " for this model");
    WAVETWIN_CHECK(value.is_floating_point() == target.is_floating_point() && !value.is_complex(), path, ": '", name,
                   "' of type ", value.scalar_type(), "; expected ", target.scalar_type(), " for this model");
    WAVETWIN_CHECK(!value.is_floating_point() || torch::isfinite(value).all().item<bool>(), path, ": '", name,
                   "' holds NaN or infinite values; expected finite weights (an earlier checkpoint, --keep-every)");
  };
  const std::map<std::string, torch::Tensor> stored(contents.weights.begin(), contents.weights.end());
  std::vector<std::pair<torch::Tensor, torch::Tensor>> targets;
  auto named = model.named_parameters();
  for (const auto& b : model.named_buffers()) named.insert(b.key(), b.value());
  for (const auto& t : named) {
    const auto found = stored.find(t.key());
    const torch::Tensor value = found == stored.end() ? torch::Tensor() : found->second;
    check(t.key(), t.value(), value);
    targets.emplace_back(t.value(), value);
  }
  try {
    at::detail::createCPUGenerator().set_state(contents.generator);
  } catch (const std::exception& e) {
    WAVETWIN_FAIL(path, ": incomplete checkpoint (its random generator state: ", reader_error(e), ")");
  }
  std::vector<std::pair<std::string, torch::Tensor>> momentum;
  if (optimizer && !contents.restore_optimizer) {
    for (const auto& p : model.named_parameters()) {
      const auto found = contents.momentum.find(p.key());
      if (found == contents.momentum.end()) continue;
      check("momentum of " + p.key(), p.value(), found->second);
      momentum.emplace_back(c10::guts::to_string(p.value().unsafeGetTensorImpl()), found->second.to(p.value().device()));
    }
  }
  if (optimizer && contents.restore_optimizer) contents.restore_optimizer(*optimizer);
  if (optimizer && !contents.restore_optimizer) {
    const auto o = contents.sgd.accessor<double, 1>();
    auto& options = static_cast<torch::optim::SGDOptions&>(optimizer->param_groups().at(0).options());
    options.lr(o[0]).momentum(o[1]).dampening(o[2]).weight_decay(o[3]).nesterov(o[4] != 0);
    optimizer->state().clear();
    for (auto& [key, buffer] : momentum) {
      auto state = std::make_unique<torch::optim::SGDParamState>();
      state->momentum_buffer(buffer);
      optimizer->state()[key] = std::move(state);
    }
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& [target, value] : targets) target.copy_(value);
  }
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(contents.generator);
  return contents.state;
}

}  // namespace wavetwin::runs
