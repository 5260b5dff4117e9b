// src/data/tensor_io.cpp: pickle-format tensor files.
#include "wavetwin/data/tensor_io.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <string_view>

#include "wavetwin/data/file.h"
#include "wavetwin/data/torch_archive.h"
#include "wavetwin/error.h"

namespace wavetwin::data {

void save_tensor(const std::string& path, const torch::Tensor& tensor) {
  const std::vector<char> bytes = torch::pickle_save(tensor.detach().cpu().contiguous());
  write_file_atomic(path, bytes.data(), bytes.size());
}

void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [name, tensor] : tensors) dict.insert(name, tensor.detach().cpu().contiguous());
  const std::vector<char> bytes = torch::pickle_save(dict);
  write_file_atomic(path, bytes.data(), bytes.size());
}

namespace {

c10::IValue load_value(const std::string& path) {
  const std::vector<char> bytes = read_file(path);
  WAVETWIN_CHECK(!bytes.empty(), path, ": empty file; expected a tensor saved with torch.save");
  const std::string problem = inspect_torch_archive(bytes.data(), bytes.size()).problem;
  WAVETWIN_CHECK(problem.empty(), path, ": not a torch.save tensor file (", problem,
                 "); expected a tensor saved with torch.save");
  try {
    return torch::pickle_load(bytes);
  } catch (const std::exception& e) {
    // libtorch 1.13's unpickler turns collections.OrderedDict, the type of Python's state_dict(), into None.
    const std::string_view text(bytes.data(), bytes.size());
    WAVETWIN_CHECK(text.find("collections\nOrderedDict") == std::string_view::npos, path,
                   ": holds an OrderedDict (a Python state_dict), which libtorch 1.13 cannot read; save it with "
                   "torch.save(dict(state_dict), PATH) or save the tensor itself");
    WAVETWIN_FAIL(path, ": not a torch.save tensor file; expected a tensor saved with torch.save");
  }
}

void collect_tensors(const c10::IValue& value, const std::string& prefix,
                     std::vector<std::pair<std::string, torch::Tensor>>& out) {
  if (value.isTensor()) {
    out.emplace_back(prefix, value.toTensor());
  } else if (value.isGenericDict()) {
    for (const auto& entry : value.toGenericDict()) {
      if (!entry.key().isString()) continue;
      const std::string key = entry.key().toStringRef();
      collect_tensors(entry.value(), prefix.empty() ? key : prefix + "." + key, out);
    }
  }
}

}  // namespace

torch::Tensor load_tensor(const std::string& path) {
  const c10::IValue value = load_value(path);
  WAVETWIN_CHECK(value.isTensor(), path, ": holds a ", value.tagKind(), "; expected a single tensor");
  return value.toTensor();
}

std::vector<std::pair<std::string, torch::Tensor>> load_tensors(const std::string& path) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  collect_tensors(load_value(path), "", out);
  WAVETWIN_CHECK(!out.empty(), path, ": holds no tensor; expected a tensor or a dict of tensors (state_dict)");
  return out;
}

}  // namespace wavetwin::data
