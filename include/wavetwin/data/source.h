// wavetwin/data/source.h: a dataset named on the command line, opened into its training, held-out validation
// and test parts, with small datasets decoded once into a cache file.
//
// Specs: `fashion-mnist[:DIR]` (IDX files; DIR defaults to Debian's dataset-fashion-mnist folder),
// `mnist:DIR`, `cifar10:PATH` (PATH holding the binary batches, cifar-10-batches-bin/, or the image folders
// train/ and test/), `folder:PATH` (PATH/train and PATH/val as ImageNet, or PATH/<class>/ alone, streamed).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"

namespace wavetwin::data {

/// Where Debian's dataset-fashion-mnist package installs the IDX files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct DataOptions {
  /// Folder of the decoded-dataset caches; empty: a `.wavetwin-cache` folder beside the data when it can be
  /// written there, else $XDG_CACHE_HOME/wavetwin (or ~/.cache/wavetwin).
  std::string cache_dir;
  /// Held-out validation images per class; nullopt: the reference's split for the dataset (CIFAR-10 binary: the
  /// first 5000 training images; image folders and IDX: 500 per class for 10 classes, 100 per class otherwise).
  std::optional<int64_t> holdout_per_class;
  /// A corrupt image stops the work instead of being skipped and counted.
  bool strict = false;
  /// Grey or RGB (kAsStored: as the data is stored).
  ColorMode mode = ColorMode::kAsStored;
};

struct DataSplits {
  std::string name;                              ///< e.g. "cifar10", "fashion-mnist"
  std::shared_ptr<const Dataset> train, val, test;  ///< val is empty when nothing is held out
  std::vector<LoadFailure> failures;             ///< images skipped while decoding
  std::vector<std::string> notices;              ///< what did not stop the opening (a cache that could not be written)
  bool cached = false;                           ///< whether the decoded images came from a cache file
};

enum class DataKind { kFashionMnist, kMnist, kCifar10, kFolder };

/// A data spec taken apart: `cifar10:/data/cifar10` is {kCifar10, "/data/cifar10"}.
struct DataSpec {
  DataKind kind;
  std::string path;  ///< empty only for fashion-mnist (Debian's folder)
  /// "fashion-mnist", "mnist", "cifar10" or "folder", as DataSplits::name.
  std::string name() const;
};

/// Throws wavetwin::Error quoting `spec` when the kind is unknown or its PATH is missing.
DataSpec parse_data_spec(const std::string& spec);

/// Opens `spec` (see the header comment). Throws wavetwin::Error naming the spec, path or file at fault.
DataSplits open_data(const std::string& spec, const DataOptions& options = {});

}  // namespace wavetwin::data
