// wavetwin/data/tensor_io.h: tensors exchanged with Python in torch's pickle format (torch.save/torch.load).
#pragma once

#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

namespace wavetwin::data {

/// Saves `tensor` (moved to the CPU) so that Python's torch.load reads it bit-exactly; atomic.
void save_tensor(const std::string& path, const torch::Tensor& tensor);

/// Saves named tensors as one dict (Python's torch.load returns {name: tensor}); atomic.
void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

/// Loads a tensor written by torch.save or save_tensor; throws wavetwin::Error naming the file otherwise.
torch::Tensor load_tensor(const std::string& path);

/// The named tensors of a torch.save file, in file order: a single tensor is named "", a dict of tensors (a
/// state_dict, a checkpoint holding one) gives its keys, nested dicts joined with '.'; other values are left
/// out. Throws wavetwin::Error naming the file when it holds no tensor.
std::vector<std::pair<std::string, torch::Tensor>> load_tensors(const std::string& path);

}  // namespace wavetwin::data
