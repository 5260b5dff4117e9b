// bench/loader_bench.cpp: the data pipeline against the reference's PIL + torchvision one, images/s.
// ImageNet-like: JPEG decode + RandomResizedCrop(224) + flip + normalise over the 1000 ImageNet sample images
// of ../shared (extracted to $TMPDIR once; skipped when absent), one worker thread. CIFAR-like: the same
// augmentation at 32 from decoded 32 x 32 images in memory, all hardware threads.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "wavetwin/data/loader.h"

namespace {

namespace fs = std::filesystem;
using wavetwin::data::Loader;

// The sample images as one class folder, extracted once; "" when the archive is absent.
std::string imagenet_sample_folder() {
  const fs::path archive = fs::path(WAVETWIN_SOURCE_DIR) / "../shared/datasets/imagenet-sample-1000.tar";
  if (!fs::exists(archive)) return "";
  const fs::path root = fs::temp_directory_path() / "wavetwin-bench-imagenet";
  if (!fs::exists(root / "all/imagenet-sample")) {
    fs::create_directories(root / "all");
    const std::string command = "tar -xf '" + archive.string() + "' -C '" + (root / "all").string() + "'";
    if (std::system(command.c_str()) != 0) return "";
  }
  return root.string();
}

void run_epochs(benchmark::State& state, Loader& loader) {
  int64_t images = 0, epoch = 0;
  for (auto _ : state) {
    loader.start(epoch++);
    wavetwin::data::Batch batch;
    while (loader.next(batch)) images += batch.images.size(0);
  }
  state.SetItemsProcessed(images);
}

void BM_LoaderImageNetJpeg(benchmark::State& state) {
  const std::string root = imagenet_sample_folder();
  if (root.empty()) {
    state.SkipWithError("needs ../shared/datasets/imagenet-sample-1000.tar");
    return;
  }
  const auto folder = std::make_shared<wavetwin::data::ImageFolderDataset>(root, wavetwin::data::ColorMode::kRgb);
  wavetwin::data::LoaderOptions options;
  options.batch = 64;
  options.threads = state.range(0);
  Loader loader(folder, wavetwin::data::TransformOptions{}, options);
  run_epochs(state, loader);
}

void BM_LoaderCifarAugment(benchmark::State& state) {
  const torch::Tensor images = torch::randint(0, 256, {45000, 32, 32, 3}, torch::kUInt8);
  const auto dataset = std::make_shared<wavetwin::data::TensorDataset>(
      images, torch::randint(0, 10, {45000}, torch::kLong), std::vector<std::string>(10, "c"), "cifar-like");
  wavetwin::data::TransformOptions transform;
  transform.size = 32;
  wavetwin::data::LoaderOptions options;
  options.threads = state.range(0);
  Loader loader(dataset, transform, options);
  run_epochs(state, loader);
}

BENCHMARK(BM_LoaderImageNetJpeg)->ArgNames({"threads"})->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LoaderCifarAugment)->ArgNames({"threads"})->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
