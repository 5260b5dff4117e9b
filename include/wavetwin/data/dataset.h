// wavetwin/data/dataset.h: labelled image datasets (an image folder, decoded images in memory, a subset) and
// the reference's held-out validation splits.
//
// Images are uint8 (H, W, C) as in data/image.h; labels are class indices into classes().
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wavetwin/data/image.h"
#include "wavetwin/data/image_list.h"

namespace wavetwin::data {

/// A labelled image dataset with random access.
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  /// The class index of sample i, without decoding it.
  virtual int64_t label(int64_t i) const = 0;
  /// Sample i as uint8 (H, W, C); throws wavetwin::Error naming the file when it cannot be decoded.
  virtual torch::Tensor image(int64_t i) const = 0;
  /// The window of sample i that `choose` picks from its size (see read_image_window: JPEG files are
  /// decoded only there, at a reduced DCT scale when `min_side` allows). By default the whole image is
  /// decoded and cropped.
  virtual torch::Tensor image_window(int64_t i, const WindowChooser& choose, int64_t min_side) const;
  /// Where sample i comes from (a file path, or the dataset's name and the index), for messages.
  virtual std::string where(int64_t i) const = 0;
  virtual const std::vector<std::string>& classes() const = 0;
  /// Channels of the images (1 or 3).
  virtual int64_t channels() const = 0;
};

/// torchvision's ImageFolder: root/<class>/<files>, classes sorted by name, files sorted by path (recursively)
/// within each class, JPEG and PNG files only (by extension, case-insensitive); decoded on demand.
class ImageFolderDataset : public Dataset {
 public:
  /// Throws wavetwin::Error when `root` is missing, has no class folder, or a class folder holds no image.
  /// `mode` kAsStored reads the first image to decide between grey and RGB.
  explicit ImageFolderDataset(const std::string& root, ColorMode mode = ColorMode::kAsStored);
  int64_t size() const override { return static_cast<int64_t>(files_.size()); }
  int64_t label(int64_t i) const override { return labels_[i]; }
  torch::Tensor image(int64_t i) const override;
  torch::Tensor image_window(int64_t i, const WindowChooser& choose, int64_t min_side) const override;
  std::string where(int64_t i) const override { return files_[i].string(); }
  const std::vector<std::string>& classes() const override { return classes_; }
  int64_t channels() const override { return mode_ == ColorMode::kGray ? 1 : 3; }
  const std::filesystem::path& file(int64_t i) const { return files_[i]; }

 private:
  std::vector<std::filesystem::path> files_;
  std::vector<int64_t> labels_;
  std::vector<std::string> classes_;
  ColorMode mode_;
};

/// Decoded images held in memory: images uint8 (N, H, W, C), labels int64 (N).
class TensorDataset : public Dataset {
 public:
  /// Throws wavetwin::Error when the shapes disagree or a label is outside [0, classes.size()).
  TensorDataset(torch::Tensor images, torch::Tensor labels, std::vector<std::string> classes, std::string name);
  int64_t size() const override { return images_.size(0); }
  int64_t label(int64_t i) const override { return labels_ptr_[i]; }
  torch::Tensor image(int64_t i) const override { return images_[i]; }
  std::string where(int64_t i) const override { return name_ + "[" + std::to_string(i) + "]"; }
  const std::vector<std::string>& classes() const override { return classes_; }
  int64_t channels() const override { return images_.size(3); }
  const torch::Tensor& images() const { return images_; }
  const torch::Tensor& labels() const { return labels_; }
  const std::string& name() const { return name_; }

 private:
  torch::Tensor images_, labels_;
  const int64_t* labels_ptr_;
  std::vector<std::string> classes_;
  std::string name_;
};

/// The samples `indices` of another dataset, in that order.
/// `count` indices evenly spaced over 0..size-1 (i * size / count; all of them when count is 0 or >= size):
/// a deterministic subset that keeps the classes' proportions of a sorted or shuffled dataset.
std::vector<int64_t> evenly_spaced(int64_t size, int64_t count);

class SubsetDataset : public Dataset {
 public:
  SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices);
  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  int64_t label(int64_t i) const override { return base_->label(indices_[i]); }
  torch::Tensor image(int64_t i) const override { return base_->image(indices_[i]); }
  torch::Tensor image_window(int64_t i, const WindowChooser& choose, int64_t min_side) const override {
    return base_->image_window(indices_[i], choose, min_side);
  }
  std::string where(int64_t i) const override { return base_->where(indices_[i]); }
  const std::vector<std::string>& classes() const override { return base_->classes(); }
  int64_t channels() const override { return base_->channels(); }

 private:
  std::shared_ptr<const Dataset> base_;
  std::vector<int64_t> indices_;
};

/// A training set cut into the part trained on and the held-out validation part (indices into it).
struct HoldoutSplit {
  std::vector<int64_t> train, val;
};

/// The first `per_class` samples of each class (in index order) held out, as the reference's ImageNet split
/// (100 per class). Throws wavetwin::Error when a class has no sample left to train on.
HoldoutSplit holdout_per_class(const Dataset& dataset, int64_t per_class);

/// The first `count` samples held out, as the reference's CIFAR-10 split (5000 of the official training set).
HoldoutSplit holdout_first(const Dataset& dataset, int64_t count);

/// Every sample decoded into memory (all threads), for datasets of small images of one size. A sample that
/// cannot be decoded, or whose size differs from the first one's, is left out and listed in `failures`, or,
/// when `strict`, stops the work with a wavetwin::Error naming it.
std::shared_ptr<TensorDataset> decode_all(const Dataset& dataset, const std::string& name, bool strict,
                                          std::vector<LoadFailure>& failures);

}  // namespace wavetwin::data
