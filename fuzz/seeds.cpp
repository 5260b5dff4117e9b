// fuzz/seeds.cpp: writes the generated part of the seed corpora (`wavetwin_fuzz_seeds DIR` fills DIR/TARGET/):
// small valid inputs of every reader, from which the fuzzers mutate. Images of the fixtures and of ../shared
// are added by `make fuzz`.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "fuzz_model.h"
#include "wavetwin/data/file.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/models/spec.h"
#include "wavetwin/runs/checkpoint.h"

using namespace wavetwin;
namespace fs = std::filesystem;

namespace {

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  data::write_file_atomic(path, bytes.data(), bytes.size());
}

void write_text(const std::string& path, const std::string& text) {
  data::write_file_atomic(path, text.data(), text.size());
}

void append_big_endian(std::vector<uint8_t>& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

// An IDX image file and its label file as the IDX target cuts them from one input.
std::vector<uint8_t> idx_pair(uint32_t n, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> images, labels;
  append_big_endian(images, 0x803);
  for (uint32_t v : {n, rows, cols}) append_big_endian(images, v);
  for (uint32_t i = 0; i < n * rows * cols; ++i) images.push_back(static_cast<uint8_t>(i * 37));
  append_big_endian(labels, 0x801);
  append_big_endian(labels, n);
  for (uint32_t i = 0; i < n; ++i) labels.push_back(static_cast<uint8_t>(i % 10));
  const size_t total = images.size() + labels.size();
  std::vector<uint8_t> input{static_cast<uint8_t>((images.size() * 255 + total - 1) / total)};
  input.insert(input.end(), images.begin(), images.end());
  input.insert(input.end(), labels.begin(), labels.end());
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: wavetwin_fuzz_seeds DIR\n";
    return 2;
  }
  const std::string root = argv[1];
  for (const char* target : {"image", "idx", "cifar10", "tensor_file", "checkpoint", "model_spec", "data_spec"}) {
    fs::create_directories(root + "/" + target);
  }
  torch::manual_seed(0);

  data::write_png(root + "/image/gray-5x3.png", torch::randint(0, 256, {5, 3, 1}, torch::kUInt8));
  data::write_png(root + "/image/rgb-4x9.png", torch::randint(0, 256, {4, 9, 3}, torch::kUInt8));

  write_bytes(root + "/idx/3x4x5", idx_pair(3, 4, 5));
  write_bytes(root + "/idx/1x1x1", idx_pair(1, 1, 1));

  // An odd first byte keeps the input as it is; an even one tiles it to a whole batch.
  std::vector<uint8_t> record(1 + 3073);
  for (size_t i = 0; i < record.size(); ++i) record[i] = static_cast<uint8_t>(i % 10);
  record[0] = 0;
  write_bytes(root + "/cifar10/tiled-record", record);
  record[0] = 1;
  write_bytes(root + "/cifar10/one-record", record);

  data::save_tensor(root + "/tensor_file/float-2x3", torch::rand({2, 3}));
  data::save_tensor(root + "/tensor_file/uint8-4", torch::arange(4, torch::kUInt8));
  data::save_tensor(root + "/tensor_file/double-1x2x2", torch::rand({1, 2, 2}, torch::kDouble));

  fuzz::FuzzModel model;
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  model->fc(torch::flatten(model->norm(model->conv(torch::rand({2, 1, 3, 3}))), 1)).sum().backward();
  optimizer.step();
  runs::TrainState state;
  state.epoch = 1;
  runs::save_checkpoint(root + "/checkpoint/epoch-1.pt", *model, optimizer, state);

  int i = 0;
  for (const std::string& name : models::paper_model_names()) {
    write_text(root + "/model_spec/paper-" + std::to_string(i++), name);
    write_text(root + "/model_spec/readable-" + std::to_string(i++), models::parse_model_spec(name).readable());
  }
  for (const std::string& spec : {"fashion-mnist", "mnist:/data/mnist", "cifar10:../shared/cifar10", "folder:x"}) {
    write_text(root + "/data_spec/" + std::to_string(i++), spec);
  }
  std::cout << "seeds written to " << root << "\n";
  return 0;
}
