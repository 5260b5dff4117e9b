// src/data/image_list.cpp: listing a folder and loading batches of its files in parallel.
#include "wavetwin/data/image_list.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <optional>

#include "wavetwin/error.h"

namespace wavetwin::data {

std::vector<std::filesystem::path> list_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  WAVETWIN_CHECK(fs::exists(dir, error), dir, ": no such folder; expected a folder of images");
  WAVETWIN_CHECK(fs::is_directory(dir, error), dir, ": not a folder; expected a folder of images");
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  WAVETWIN_CHECK(!error, dir, ": cannot be listed (", error.message(), ")");
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    WAVETWIN_CHECK(!error, dir, ": cannot be listed (", error.message(), ")");
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(error)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(error)) files.push_back(it->path());
  }
  WAVETWIN_CHECK(!files.empty(), dir, ": holds no file; expected JPEG or PNG images");
  std::sort(files.begin(), files.end());
  return files;
}

LoadedBatch load_batch(const std::vector<std::filesystem::path>& files, size_t begin, size_t end,
                       const std::function<torch::Tensor(const std::filesystem::path&)>& load) {
  WAVETWIN_CHECK(begin <= end && end <= files.size(), "load_batch: files [", begin, ", ", end, ") of ",
                 files.size());
  const size_t n = end - begin;
  std::vector<torch::Tensor> results(n);
  std::vector<std::optional<std::string>> errors(n);
  at::parallel_for(0, static_cast<int64_t>(n), 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      try {
        results[i] = load(files[begin + i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  });
  LoadedBatch batch;
  std::vector<torch::Tensor> kept;
  for (size_t i = 0; i < n; ++i) {
    if (errors[i]) {
      batch.failures.push_back({files[begin + i], *errors[i]});
      continue;
    }
    if (!kept.empty()) {
      WAVETWIN_CHECK(results[i].sizes() == kept.front().sizes(), files[begin + i].string(), ": loaded as ",
                     results[i].sizes(), "; expected ", kept.front().sizes(), " like the other files");
    }
    kept.push_back(results[i]);
    batch.loaded.push_back(i);
  }
  if (!kept.empty()) batch.tensors = torch::stack(kept);
  return batch;
}

}  // namespace wavetwin::data
