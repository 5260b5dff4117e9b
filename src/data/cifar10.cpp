// src/data/cifar10.cpp: the CIFAR-10 binary reader.
#include "wavetwin/data/cifar10.h"

#include <torch/torch.h>

#include <filesystem>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::data {

const std::vector<std::string>& cifar10_classes() {
  static const std::vector<std::string> names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                 "dog",      "frog",       "horse", "ship", "truck"};
  return names;
}

std::shared_ptr<TensorDataset> read_cifar10_binary(const std::string& dir, bool train) {
  constexpr int64_t kRecord = 1 + 3 * 32 * 32, kPerFile = 10000;
  std::vector<std::string> files;
  if (train) {
    for (int b = 1; b <= 5; ++b) files.push_back(dir + "/data_batch_" + std::to_string(b) + ".bin");
  } else {
    files.push_back(dir + "/test_batch.bin");
  }
  const int64_t n = kPerFile * static_cast<int64_t>(files.size());
  torch::Tensor images = torch::empty({n, 32, 32, 3}, torch::kUInt8);
  torch::Tensor labels = torch::empty({n}, torch::kLong);
  uint8_t* out = images.data_ptr<uint8_t>();
  int64_t* label = labels.data_ptr<int64_t>();
  for (size_t f = 0; f < files.size(); ++f) {
    WAVETWIN_CHECK(std::filesystem::exists(files[f]), files[f], ": no such file; expected the CIFAR-10 binary batches ",
                   "(cifar-10-batches-bin)");
    const std::vector<char> bytes = read_file(files[f]);
    WAVETWIN_CHECK(static_cast<int64_t>(bytes.size()) == kRecord * kPerFile, files[f], ": ", bytes.size(),
                   " bytes; expected ", kRecord * kPerFile, " (10000 records of 3073 bytes)");
    for (int64_t r = 0; r < kPerFile; ++r) {
      const auto* record = reinterpret_cast<const uint8_t*>(bytes.data()) + r * kRecord;
      const int64_t i = static_cast<int64_t>(f) * kPerFile + r;
      WAVETWIN_CHECK(record[0] < 10, files[f], ": label ", int{record[0]}, " in record ", r, "; expected 0..9");
      label[i] = record[0];
      // Planar R, G, B to interleaved (H, W, C).
      uint8_t* pixel = out + i * 3072;
      for (int64_t p = 0; p < 1024; ++p) {
        for (int64_t c = 0; c < 3; ++c) pixel[3 * p + c] = record[1 + c * 1024 + p];
      }
    }
  }
  return std::make_shared<TensorDataset>(images, labels, cifar10_classes(),
                                         std::string("cifar10-") + (train ? "train" : "test"));
}

}  // namespace wavetwin::data
