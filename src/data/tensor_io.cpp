// src/data/tensor_io.cpp: pickle-format tensor files.
#include "wavetwin/data/tensor_io.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::data {

void save_tensor(const std::string& path, const torch::Tensor& tensor) {
  const std::vector<char> bytes = torch::pickle_save(tensor.detach().cpu().contiguous());
  write_file_atomic(path, bytes.data(), bytes.size());
}

torch::Tensor load_tensor(const std::string& path) {
  const std::vector<char> bytes = read_file(path);
  WAVETWIN_CHECK(!bytes.empty(), path, ": empty file; expected a tensor saved with torch.save");
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const std::exception& e) {
    WAVETWIN_FAIL(path, ": not a torch.save tensor file; expected a tensor saved with torch.save");
  }
  WAVETWIN_CHECK(value.isTensor(), path, ": holds a ", value.tagKind(), "; expected a single tensor");
  return value.toTensor();
}

}  // namespace wavetwin::data
