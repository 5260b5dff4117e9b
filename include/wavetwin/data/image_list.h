// wavetwin/data/image_list.h: a folder of image files, read in parallel batches where a file that cannot be
// read is counted and reported instead of stopping the work.
#pragma once

#include <torch/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace wavetwin::data {

/// The regular files under `dir`, recursively, sorted by path; hidden files and folders are left out.
/// Throws wavetwin::Error when `dir` is missing, not a folder, or holds no file.
std::vector<std::filesystem::path> list_files(const std::string& dir);

/// A file that could not be loaded, and why.
struct LoadFailure {
  std::filesystem::path file;
  std::string reason;
};

/// The tensors loaded from a batch of files, stacked, with the files that failed.
struct LoadedBatch {
  torch::Tensor tensors;           ///< (loaded, ...), undefined when every file failed
  std::vector<size_t> loaded;      ///< index in the batch of each loaded file
  std::vector<LoadFailure> failures;
};

/// Loads files [begin, end) of `files` with `load` on all threads (at::parallel_for), in order. `load` must
/// return tensors of one shape; a file it throws on is a failure, with the exception's message as reason.
LoadedBatch load_batch(const std::vector<std::filesystem::path>& files, size_t begin, size_t end,
                       const std::function<torch::Tensor(const std::filesystem::path&)>& load);

}  // namespace wavetwin::data
