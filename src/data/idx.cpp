// src/data/idx.cpp: the IDX reader (gzip through zlib).
#include "wavetwin/data/idx.h"

#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>

#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

// The whole (decompressed) content; gzread reads plain files as they are.
std::vector<uint8_t> read_maybe_gzip(const std::string& path) {
  WAVETWIN_CHECK(std::filesystem::exists(path), path, ": no such file; expected an IDX file");
  gzFile file = gzopen(path.c_str(), "rb");
  WAVETWIN_CHECK(file != nullptr, path, ": cannot be opened");
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  int got = 0;
  while ((got = gzread(file, chunk, sizeof chunk)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
  int code = 0;
  const std::string message = got < 0 ? gzerror(file, &code) : "";
  gzclose(file);
  WAVETWIN_CHECK(got == 0, path, ": corrupt compressed data (", message, ")");
  return bytes;
}

uint32_t big_endian(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) | b[at + 3];
}

}  // namespace

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

std::shared_ptr<TensorDataset> read_idx(const std::string& images_path, const std::string& labels_path,
                                        std::vector<std::string> classes, const std::string& name) {
  const std::vector<uint8_t> images = read_maybe_gzip(images_path), labels = read_maybe_gzip(labels_path);
  WAVETWIN_CHECK(images.size() >= 16 && big_endian(images, 0) == 0x803, images_path,
                 ": not an IDX image file; expected magic 0x00000803");
  WAVETWIN_CHECK(labels.size() >= 8 && big_endian(labels, 0) == 0x801, labels_path,
                 ": not an IDX label file; expected magic 0x00000801");
  const int64_t n = big_endian(images, 4), rows = big_endian(images, 8), cols = big_endian(images, 12);
  WAVETWIN_CHECK(static_cast<int64_t>(images.size()) == 16 + n * rows * cols, images_path, ": ", images.size(),
                 " bytes; expected ", 16 + n * rows * cols, " for ", n, " images of ", rows, "x", cols);
  WAVETWIN_CHECK(big_endian(labels, 4) == n && static_cast<int64_t>(labels.size()) == 8 + n, labels_path, ": ",
                 big_endian(labels, 4), " labels in ", labels.size(), " bytes; expected ", n, " labels, one per image");
  torch::Tensor image_tensor =
      torch::from_blob(const_cast<uint8_t*>(images.data()) + 16, {n, rows, cols, 1}, torch::kUInt8).clone();
  torch::Tensor label_tensor =
      torch::from_blob(const_cast<uint8_t*>(labels.data()) + 8, {n}, torch::kUInt8).to(torch::kLong);
  if (classes.empty()) {
    const int64_t count = n == 0 ? 0 : label_tensor.max().item<int64_t>() + 1;
    for (int64_t c = 0; c < count; ++c) classes.push_back(std::to_string(c));
  }
  return std::make_shared<TensorDataset>(image_tensor, label_tensor, std::move(classes), name);
}

}  // namespace wavetwin::data
