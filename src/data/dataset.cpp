// src/data/dataset.cpp: image folders, in-memory datasets, subsets and held-out splits.
#include "wavetwin/data/dataset.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

bool is_image_file(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

}  // namespace

ImageFolderDataset::ImageFolderDataset(const std::string& root, ColorMode mode) : mode_(mode) {
  namespace fs = std::filesystem;
  std::error_code error;
  WAVETWIN_CHECK(fs::is_directory(root, error), root, ": no such folder; expected an image folder root/<class>/<images>");
  std::vector<fs::path> class_dirs;
  for (const auto& entry : fs::directory_iterator(root, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(error) && !name.empty() && name[0] != '.') class_dirs.push_back(entry.path());
  }
  WAVETWIN_CHECK(!class_dirs.empty(), root, ": holds no class folder; expected root/<class>/<images>");
  std::sort(class_dirs.begin(), class_dirs.end());
  for (const auto& dir : class_dirs) {
    std::vector<fs::path> images;
    for (const auto& file : list_files(dir.string())) {
      if (is_image_file(file)) images.push_back(file);
    }
    WAVETWIN_CHECK(!images.empty(), dir.string(), ": class folder holds no image; expected .jpg, .jpeg or .png files");
    const int64_t label = static_cast<int64_t>(classes_.size());
    classes_.push_back(dir.filename().string());
    for (auto& file : images) {
      files_.push_back(std::move(file));
      labels_.push_back(label);
    }
  }
  if (mode_ == ColorMode::kAsStored) mode_ = read_image(files_.front().string()).size(2) == 1 ? ColorMode::kGray : ColorMode::kRgb;
}

torch::Tensor Dataset::image_window(int64_t i, const WindowChooser& choose, int64_t /*min_side*/) const {
  const torch::Tensor whole = image(i);
  const CropBox box = choose(whole.size(0), whole.size(1));
  return crop(whole, box.top, box.left, box.height, box.width);
}

torch::Tensor ImageFolderDataset::image(int64_t i) const { return read_image(files_[i].string(), mode_); }

torch::Tensor ImageFolderDataset::image_window(int64_t i, const WindowChooser& choose, int64_t min_side) const {
  return read_image_window(files_[i].string(), mode_, choose, min_side);
}

TensorDataset::TensorDataset(torch::Tensor images, torch::Tensor labels, std::vector<std::string> classes,
                             std::string name)
    : images_(std::move(images)), labels_(labels.to(torch::kLong).contiguous()), classes_(std::move(classes)),
      name_(std::move(name)) {
  WAVETWIN_CHECK(images_.dim() == 4 && images_.scalar_type() == torch::kUInt8 &&
                     (images_.size(3) == 1 || images_.size(3) == 3),
                 name_, ": images of shape ", images_.sizes(), " (", images_.scalar_type(),
                 "); expected uint8 (N, H, W, 1 or 3)");
  WAVETWIN_CHECK(labels_.dim() == 1 && labels_.size(0) == images_.size(0), name_, ": ", labels_.numel(),
                 " labels for ", images_.size(0), " images; expected one label per image");
  labels_ptr_ = labels_.data_ptr<int64_t>();
  const int64_t classes_count = static_cast<int64_t>(classes_.size());
  for (int64_t i = 0; i < labels_.size(0); ++i) {
    WAVETWIN_CHECK(labels_ptr_[i] >= 0 && labels_ptr_[i] < classes_count, name_, ": label ", labels_ptr_[i],
                   " of sample ", i, "; expected 0 <= label < ", classes_count);
  }
}

std::vector<int64_t> evenly_spaced(int64_t size, int64_t count) {
  const int64_t n = count > 0 ? std::min(count, size) : size;
  std::vector<int64_t> indices(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) indices[i] = i * size / n;
  return indices;
}

SubsetDataset::SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {
  for (int64_t i : indices_) {
    WAVETWIN_CHECK(i >= 0 && i < base_->size(), "subset: index ", i, "; expected 0 <= index < ", base_->size());
  }
}

HoldoutSplit holdout_per_class(const Dataset& dataset, int64_t per_class) {
  WAVETWIN_CHECK(per_class >= 0, "held-out split: ", per_class, " images per class; expected >= 0");
  const int64_t classes = static_cast<int64_t>(dataset.classes().size());
  std::vector<int64_t> seen(classes, 0);
  HoldoutSplit split;
  for (int64_t i = 0; i < dataset.size(); ++i) {
    int64_t& count = seen[dataset.label(i)];
    (count++ < per_class ? split.val : split.train).push_back(i);
  }
  for (int64_t c = 0; c < classes; ++c) {
    WAVETWIN_CHECK(seen[c] > per_class, "held-out split: class ", dataset.classes()[c], " has ", seen[c],
                   " images; expected more than the ", per_class, " held out (a smaller --holdout)");
  }
  return split;
}

HoldoutSplit holdout_first(const Dataset& dataset, int64_t count) {
  WAVETWIN_CHECK(count >= 0 && count < dataset.size(), "held-out split: ", count, " of ", dataset.size(),
                 " images; expected 0 <= count < size");
  HoldoutSplit split;
  for (int64_t i = 0; i < dataset.size(); ++i) (i < count ? split.val : split.train).push_back(i);
  return split;
}

std::shared_ptr<TensorDataset> decode_all(const Dataset& dataset, const std::string& name, bool strict,
                                          std::vector<LoadFailure>& failures) {
  const int64_t n = dataset.size();
  std::vector<torch::Tensor> images(n);
  std::vector<std::optional<std::string>> errors(n);
  at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      try {
        images[i] = dataset.image(i);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  });
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < n; ++i) {
    if (!errors[i] && !kept.empty() && images[i].sizes() != images[kept.front()].sizes()) {
      errors[i] = dataset.where(i) + ": image of " + std::to_string(images[i].size(0)) + "x" +
                  std::to_string(images[i].size(1)) + "; expected the size of the first image";
    }
    if (errors[i]) {
      WAVETWIN_CHECK(!strict, *errors[i]);
      failures.push_back({dataset.where(i), *errors[i]});
      continue;
    }
    kept.push_back(i);
  }
  WAVETWIN_CHECK(!kept.empty(), name, ": no image could be decoded");
  const auto& first = images[kept.front()];
  torch::Tensor all = torch::empty({static_cast<int64_t>(kept.size()), first.size(0), first.size(1), first.size(2)},
                                   torch::kUInt8);
  torch::Tensor labels = torch::empty({static_cast<int64_t>(kept.size())}, torch::kLong);
  for (size_t k = 0; k < kept.size(); ++k) {
    all[k].copy_(images[kept[k]]);
    labels[k] = dataset.label(kept[k]);
  }
  return std::make_shared<TensorDataset>(all, labels, dataset.classes(), name);
}

}  // namespace wavetwin::data
