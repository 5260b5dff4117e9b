// fuzz/readers.h: what each fuzz target does with one input, shared by the libFuzzer targets (fuzz_main.cpp)
// and by the regression test of their findings (tests/fuzz/findings_test.cpp).
//
// A reader gets the input's bytes and a guard, and runs each read of the input through the guard: the fuzz
// targets' guard lets a wavetwin::Error (a named rejection) pass and turns any other exception into a crash;
// the test's guard records it as a failure.
#pragma once

#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "fuzz_model.h"
#include "wavetwin/data/cifar10.h"
#include "wavetwin/data/idx.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/source.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/models/spec.h"
#include "wavetwin/runs/checkpoint.h"

namespace wavetwin::fuzz {

using Guard = std::function<void(const std::function<void()>& read)>;
using Reader = void (*)(const uint8_t* data, size_t size, const Guard& guard);

/// The image limit the readers run under: a declared size over it is refused before the memory runs out.
inline constexpr const char* kMaxImagePixels = "4000000";

/// A folder of this process's own under $TMPDIR (or /tmp), for the readers that take paths.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    const std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/wavetwin-fuzz-" + std::to_string(getpid());
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

/// Writes `size` bytes to scratch_dir()/name and returns the path.
inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

/// Signals a reader that accepted an input but answered wrongly (a spec that does not read back).
[[noreturn]] inline void fail(const std::string& what) { throw std::logic_error("fuzz: " + what); }

/// JPEG and PNG decoding (whole and windowed) and the resizing that follows.
inline void read_image(const uint8_t* data, size_t size, const Guard& guard) {
  guard([&] {
    const torch::Tensor image = data::decode_image(data, size, "fuzz input");
    data::to_float_chw(data::resize(image, 7, 5));
    data::to_float_chw(data::resize_shorter(image, 3));
  });
  const std::string path = write_input("input.img", data, size);
  const int64_t min_side = size % 3 == 0 ? 0 : 1 + static_cast<int64_t>(size % 7);
  guard([&] {
    // A window a third of the image from its centre, the way the crops of training pick one.
    const auto third = [](int64_t h, int64_t w) {
      return data::CropBox{h / 3, w / 3, std::max<int64_t>(1, h / 3), std::max<int64_t>(1, w / 3)};
    };
    data::read_image_window(path, data::ColorMode::kRgb, third, min_side);
  });
}

/// The IDX reader (plain or gzip): the first byte says where the image file ends and the label file begins.
inline void read_idx(const uint8_t* data, size_t size, const Guard& guard) {
  if (size < 1) return;
  const size_t images_size = std::min<size_t>(size - 1, data[0] * (size - 1) / 255);
  const std::string images = write_input("images-idx3-ubyte", data + 1, images_size);
  const std::string labels = write_input("labels-idx1-ubyte", data + 1 + images_size, size - 1 - images_size);
  guard([&] { data::read_idx(images, labels, {}, "fuzz"); });
}

/// The CIFAR-10 binary reader. A batch has one valid size (10000 records), so an input whose first byte is even
/// is tiled to that size to reach the record checks; an odd one is read as it is.
inline void read_cifar10(const uint8_t* data, size_t size, const Guard& guard) {
  constexpr size_t kBatchBytes = 10000 * 3073;
  if (size < 2 || data[0] % 2 == 1) {
    write_input("test_batch.bin", data, size);
  } else {
    std::vector<uint8_t> tiled(kBatchBytes);
    for (size_t i = 0; i < kBatchBytes; ++i) tiled[i] = data[1 + i % (size - 1)];
    write_input("test_batch.bin", tiled.data(), tiled.size());
  }
  guard([] { data::read_cifar10_binary(scratch_dir(), false); });
}

/// Tensor files: torch.save's zip and pickle format.
inline void read_tensor_file(const uint8_t* data, size_t size, const Guard& guard) {
  const std::string path = write_input("input.pt", data, size);
  guard([&] { data::load_tensors(path); });
}

/// Training checkpoints, read for their weights and loaded into the model they were written from.
inline void read_checkpoint(const uint8_t* data, size_t size, const Guard& guard) {
  static FuzzModel model;
  static torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  const std::string path = write_input("input.ckpt", data, size);
  guard([&] {
    if (runs::is_checkpoint(path)) runs::checkpoint_weights(path);
  });
  guard([&] { runs::load_checkpoint(path, *model, &optimizer); });
}

/// Model specs (papers' names, ARCH/CONFIG, the readable form): parsed, checked, and read back the same.
inline void read_model_spec(const uint8_t* data, size_t size, const Guard& guard) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  guard([&] {
    const models::ModelSpec spec = models::parse_model_spec(text);
    spec.validate();
    if (models::parse_model_spec(spec.readable()) != spec) fail("'" + spec.readable() + "' reads back as another spec");
    spec.paper_name();
  });
}

/// Data specs (KIND[:PATH]), parsed without opening anything, and read back the same.
inline void read_data_spec(const uint8_t* data, size_t size, const Guard& guard) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  guard([&] {
    const data::DataSpec spec = data::parse_data_spec(text);
    const std::string again = spec.path.empty() ? spec.name() : spec.name() + ":" + spec.path;
    if (again != text) fail("'" + text + "' reads back as '" + again + "'");
  });
}

/// The readers by fuzz target name.
inline const std::vector<std::pair<std::string, Reader>>& readers() {
  static const std::vector<std::pair<std::string, Reader>> table = {
      {"image", read_image},           {"idx", read_idx},
      {"cifar10", read_cifar10},       {"tensor_file", read_tensor_file},
      {"checkpoint", read_checkpoint}, {"model_spec", read_model_spec},
      {"data_spec", read_data_spec}};
  return table;
}

}  // namespace wavetwin::fuzz
