// src/data/idx.cpp: the IDX reader (gzip through zlib).
#include "wavetwin/data/idx.h"

#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <memory>

#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

uint32_t big_endian(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

// An IDX file of unsigned bytes: its dimensions and values.
struct IdxContent {
  std::vector<int64_t> dims;
  std::vector<uint8_t> values;
};

// Reads `path` (gzread reads plain files as they are) no further than the values its header declares, so that
// neither a hostile header nor a gzip bomb makes it hold more than the file's own data.
IdxContent read_idx_file(const std::string& path, uint32_t magic, const char* kind) {
  WAVETWIN_CHECK(std::filesystem::exists(path), path, ": no such file; expected an IDX file");
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  WAVETWIN_CHECK(file != nullptr, path, ": cannot be opened");
  const auto read = [&](uint8_t* to, size_t size) {
    const int got = gzread(file.get(), to, static_cast<unsigned>(size));
    int code = 0;
    WAVETWIN_CHECK(got >= 0, path, ": corrupt compressed data (", gzerror(file.get(), &code), ")");
    return static_cast<size_t>(got);
  };
  const size_t ndims = magic & 0xff;
  uint8_t header[4 + 4 * 3] = {};
  const size_t header_size = 4 + 4 * ndims;
  WAVETWIN_CHECK(read(header, header_size) == header_size && big_endian(header) == magic, path, ": not an IDX ", kind,
                 " file; expected magic 0x00000", std::hex, magic);
  IdxContent content;
  int64_t count = 1;
  bool fits = true;
  for (size_t d = 0; d < ndims; ++d) {
    content.dims.push_back(big_endian(header + 4 + 4 * d));
    fits = fits && !__builtin_mul_overflow(count, content.dims.back(), &count);
  }
  WAVETWIN_CHECK(fits, path, ": declares ", c10::IntArrayRef(content.dims),
                 " values, more than a file can hold; expected an intact IDX file");
  uint8_t chunk[1 << 16];
  for (size_t got = 0; (got = read(chunk, sizeof chunk)) > 0;) {
    content.values.insert(content.values.end(), chunk, chunk + got);
    WAVETWIN_CHECK(static_cast<int64_t>(content.values.size()) <= count, path, ": more than the ",
                   header_size + count, " bytes its header declares for ", c10::IntArrayRef(content.dims), " values");
  }
  WAVETWIN_CHECK(static_cast<int64_t>(content.values.size()) == count, path, ": ", header_size + content.values.size(),
                 " bytes; expected ", header_size + count, " for ", c10::IntArrayRef(content.dims), " values");
  return content;
}

}  // namespace

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

std::shared_ptr<TensorDataset> read_idx(const std::string& images_path, const std::string& labels_path,
                                        std::vector<std::string> classes, const std::string& name) {
  IdxContent images = read_idx_file(images_path, 0x803, "image");
  const IdxContent labels = read_idx_file(labels_path, 0x801, "label");
  const int64_t n = images.dims[0], rows = images.dims[1], cols = images.dims[2];
  WAVETWIN_CHECK(labels.dims[0] == n, labels_path, ": ", labels.dims[0], " labels; expected ", n,
                 " labels, one per image of ", images_path);
  torch::Tensor image_tensor = torch::from_blob(images.values.data(), {n, rows, cols, 1}, torch::kUInt8).clone();
  torch::Tensor label_tensor =
      torch::from_blob(const_cast<uint8_t*>(labels.values.data()), {n}, torch::kUInt8).to(torch::kLong);
  if (classes.empty()) {
    const int64_t count = n == 0 ? 0 : label_tensor.max().item<int64_t>() + 1;
    for (int64_t c = 0; c < count; ++c) classes.push_back(std::to_string(c));
  }
  return std::make_shared<TensorDataset>(image_tensor, label_tensor, std::move(classes), name);
}

}  // namespace wavetwin::data
