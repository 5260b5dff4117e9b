// src/data/source.cpp: opening datasets by spec, splits and the decoded-image cache.
#include "wavetwin/data/source.h"

#include <torch/torch.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>

#include "wavetwin/data/cifar10.h"
#include "wavetwin/data/file.h"
#include "wavetwin/data/idx.h"
#include "wavetwin/data/image_list.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

namespace fs = std::filesystem;

// What the cache of a folder depends on: its files, their sizes and modification times.
std::string folder_stamp(const ImageFolderDataset& folder) {
  uint64_t bytes = 0, latest = 0;
  std::error_code error;
  for (int64_t i = 0; i < folder.size(); ++i) {
    bytes += fs::file_size(folder.file(i), error);
    latest = std::max<uint64_t>(latest, fs::last_write_time(folder.file(i), error).time_since_epoch().count());
  }
  std::ostringstream stamp;
  stamp << "v2 " << folder.size() << " files, " << bytes << " bytes, latest " << latest << ", channels "
        << folder.channels();
  return stamp.str();
}

std::string cache_folder(const std::string& data_path, const DataOptions& options) {
  if (!options.cache_dir.empty()) return options.cache_dir;
  const fs::path beside = fs::path(data_path) / ".wavetwin-cache";
  std::error_code error;
  fs::create_directories(beside, error);
  if (!error && access(beside.c_str(), W_OK) == 0) return beside.string();
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home && *home ? home : "/tmp") / ".cache";
  return (base / "wavetwin" / std::to_string(std::hash<std::string>{}(fs::absolute(data_path).string()))).string();
}

// The folder decoded into memory, through a cache file that is rebuilt when the folder's stamp changes.
std::shared_ptr<TensorDataset> decoded_folder(const std::string& path, const std::string& name,
                                              const DataOptions& options, DataSplits& splits) {
  const ImageFolderDataset folder(path, options.mode);
  const std::string stamp = folder_stamp(folder);
  const std::string dir = cache_folder(fs::path(path).parent_path().string(), options);
  const std::string cache = dir + "/" + name + ".pt";
  std::shared_ptr<TensorDataset> cached;
  std::vector<LoadFailure> cached_failures;
  if (fs::exists(cache)) {
    try {
      const std::vector<char> bytes = read_file(cache);
      const auto tuple = torch::pickle_load(bytes).toTuple();
      if (tuple->elements().at(0).toStringRef() == stamp) {
        std::vector<std::string> classes;
        for (const auto& c : tuple->elements().at(3).toListRef()) classes.push_back(c.toStringRef());
        const auto& failed = tuple->elements().at(4).toListRef();
        for (size_t i = 0; i + 1 < failed.size(); i += 2) {
          cached_failures.push_back({failed[i].toStringRef(), failed[i + 1].toStringRef()});
        }
        cached = std::make_shared<TensorDataset>(tuple->elements().at(1).toTensor(), tuple->elements().at(2).toTensor(),
                                                 classes, name);
      }
    } catch (const std::exception&) {
      // An unreadable or stale cache is rebuilt below.
    }
  }
  // The images that failed to decode are in the cache too: reported (and refused with --strict) as when decoded.
  if (cached) {
    WAVETWIN_CHECK(!options.strict || cached_failures.empty(), cached_failures.empty() ? "" : cached_failures.front().reason,
                   " (recorded in the cache ", cache, "); expected every image to decode (--strict)");
    splits.failures = std::move(cached_failures);
    splits.cached = true;
    return cached;
  }
  auto decoded = decode_all(folder, name, options.strict, splits.failures);
  c10::List<std::string> classes, failed;
  for (const auto& c : decoded->classes()) classes.push_back(c);
  for (const auto& f : splits.failures) {
    failed.push_back(f.file.string());
    failed.push_back(f.reason);
  }
  const std::vector<char> bytes =
      torch::pickle_save(c10::ivalue::Tuple::create({stamp, decoded->images(), decoded->labels(), classes, failed}));
  std::error_code error;
  fs::create_directories(dir, error);
  try {
    write_file_atomic(cache, bytes.data(), bytes.size());
  } catch (const std::exception& e) {
    splits.notices.push_back(std::string(e.what()) + ": the decoded images are not cached, and the next run decodes "
                             "them again (--cache DIR for another folder)");
  }
  return decoded;
}

std::string find_idx(const std::string& dir, const std::string& stem) {
  for (const std::string& candidate : {dir + "/" + stem, dir + "/" + stem + ".gz"}) {
    if (fs::exists(candidate)) return candidate;
  }
  throw Error(dir + ": no " + stem + "[.gz]; expected the IDX files of an MNIST-style dataset");
}

int64_t default_holdout(const Dataset& train) { return train.classes().size() == 10 ? 500 : 100; }

void split_train(DataSplits& splits, std::shared_ptr<const Dataset> full, const HoldoutSplit& holdout) {
  splits.train = std::make_shared<SubsetDataset>(full, holdout.train);
  if (!holdout.val.empty()) splits.val = std::make_shared<SubsetDataset>(full, holdout.val);
}

}  // namespace

std::string DataSpec::name() const {
  switch (kind) {
    case DataKind::kFashionMnist: return "fashion-mnist";
    case DataKind::kMnist: return "mnist";
    case DataKind::kCifar10: return "cifar10";
    case DataKind::kFolder: return "folder";
  }
  throw Error("unknown data kind");
}

DataSpec parse_data_spec(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string path = colon == std::string::npos ? "" : spec.substr(colon + 1);
  static const std::vector<std::pair<std::string, DataKind>> kinds = {{"fashion-mnist", DataKind::kFashionMnist},
                                                                      {"mnist", DataKind::kMnist},
                                                                      {"cifar10", DataKind::kCifar10},
                                                                      {"folder", DataKind::kFolder}};
  for (const auto& [name, value] : kinds) {
    if (kind != name) continue;
    const std::string argument = value == DataKind::kCifar10 || value == DataKind::kFolder ? "PATH" : "DIR";
    WAVETWIN_CHECK(!path.empty() || (value == DataKind::kFashionMnist && colon == std::string::npos), "data spec '",
                   spec, "': no ", argument, "; expected ", name, ":", argument);
    return {value, path};
  }
  throw Error("data spec '" + spec +
              "': unknown kind; expected fashion-mnist[:DIR], mnist:DIR, cifar10:PATH or folder:PATH");
}

DataSplits open_data(const std::string& spec_text, const DataOptions& options) {
  const DataSpec spec = parse_data_spec(spec_text);
  const std::string& path = spec.path;
  const std::string kind = spec.name();
  DataSplits splits;
  splits.name = kind;
  if (spec.kind == DataKind::kFashionMnist || spec.kind == DataKind::kMnist) {
    const std::string dir = path.empty() ? kFashionMnistDir : path;
    WAVETWIN_CHECK(fs::is_directory(dir), dir, ": no such folder",
                   path.empty() ? " (install Debian's dataset-fashion-mnist, or give fashion-mnist:DIR)" : "");
    const std::vector<std::string> classes = spec.kind == DataKind::kFashionMnist ? fashion_mnist_classes() : std::vector<std::string>{};
    const std::string train_images = find_idx(dir, "train-images-idx3-ubyte");
    const std::string train_labels = find_idx(dir, "train-labels-idx1-ubyte");
    const std::string test_images = find_idx(dir, "t10k-images-idx3-ubyte");
    const std::string test_labels = find_idx(dir, "t10k-labels-idx1-ubyte");
    const auto train = read_idx(train_images, train_labels, classes, kind + "-train");
    splits.test = read_idx(test_images, test_labels, train->classes(), kind + "-test");
    const int64_t holdout = options.holdout_per_class.value_or(default_holdout(*train));
    split_train(splits, train, holdout_per_class(*train, holdout));
  } else if (spec.kind == DataKind::kCifar10) {
    std::string binary;
    for (const std::string& candidate : {path, path + "/cifar-10-batches-bin"}) {
      if (fs::exists(candidate + "/data_batch_1.bin")) binary = candidate;
    }
    std::string folders;
    for (const std::string& candidate : {path, path + "/cifar10"}) {
      if (fs::is_directory(candidate + "/train") && fs::is_directory(candidate + "/test")) folders = candidate;
    }
    if (!binary.empty()) {
      const auto train = read_cifar10_binary(binary, true);
      splits.test = read_cifar10_binary(binary, false);
      split_train(splits, train,
                  options.holdout_per_class ? holdout_per_class(*train, *options.holdout_per_class)
                                                 : holdout_first(*train, 5000));
    } else {
      WAVETWIN_CHECK(!folders.empty(), path, ": neither CIFAR-10 binary batches (data_batch_1.bin) nor image ",
                     "folders train/ and test/; expected one of them");
      const auto train = decoded_folder(folders + "/train", "cifar10-train", options, splits);
      const bool train_cached = splits.cached;
      splits.test = decoded_folder(folders + "/test", "cifar10-test", options, splits);
      splits.cached = splits.cached && train_cached;
      const int64_t holdout = options.holdout_per_class.value_or(default_holdout(*train));
      split_train(splits, train, holdout_per_class(*train, holdout));
    }
  } else {
    const bool imagenet = fs::is_directory(path + "/train");
    const auto train = std::make_shared<ImageFolderDataset>(imagenet ? path + "/train" : path, options.mode);
    if (imagenet && fs::is_directory(path + "/val")) {
      splits.test = std::make_shared<ImageFolderDataset>(path + "/val", train->channels() == 1 ? ColorMode::kGray : ColorMode::kRgb);
      WAVETWIN_CHECK(splits.test->classes() == train->classes(), path, "/val: classes differ from ", path,
                     "/train; expected the same class folders");
    }
    const int64_t holdout = options.holdout_per_class.value_or(default_holdout(*train));
    split_train(splits, train, holdout_per_class(*train, holdout));
  }
  return splits;
}

}  // namespace wavetwin::data
