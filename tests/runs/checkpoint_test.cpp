// tests/runs/checkpoint_test.cpp: checkpoints restore the model, the optimiser's momenta, the state and the
// random generator exactly; bad files are named.
#include "wavetwin/runs/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/data/file.h"
#include "wavetwin/models/model.h"

namespace wavetwin::runs {
namespace {

class CheckpointTest : public test::TempDirTest {};

TEST_F(CheckpointTest, RoundTripIsExact) {
  const auto spec = models::parse_model_spec("resnet18 --twin cmod --classes 3");
  const auto model = models::make_model(spec);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(1e-4));
  model->train();
  for (int i = 0; i < 2; ++i) {
    sgd.zero_grad();
    torch::nn::functional::cross_entropy(model->forward(torch::rand({4, 3, 16, 16})), torch::tensor({0, 1, 2, 1})).backward();
    sgd.step();
  }
  const TrainState state{7, 5, 12.5, 33.0, {7, 0.75, 0.01, 12.5, std::nullopt, 4.5, 120}};
  save_checkpoints({dir_ + "/c/epoch-7.pt", dir_ + "/c/last.pt"}, *model, sgd, state);
  EXPECT_EQ(data::read_file(dir_ + "/c/epoch-7.pt"), data::read_file(dir_ + "/c/last.pt"));
  // The weights alone, in the model's order (parameters, then buffers): `wavetwin kernels` takes the first 4-D one.
  std::vector<std::string> order, read_order;
  for (const auto& p : model->named_parameters()) order.push_back(p.key());
  for (const auto& b : model->named_buffers()) order.push_back(b.key());
  for (const auto& [name, tensor] : checkpoint_weights(dir_ + "/c/last.pt")) read_order.push_back(name);
  EXPECT_EQ(read_order, order);
  const torch::Tensor next_random = torch::rand({3});

  const auto other = models::make_model(spec);
  // Another learning rate and no weight decay: the checkpoint's options replace them.
  torch::optim::SGD other_sgd(other->parameters(), torch::optim::SGDOptions(0.5).momentum(0.9));
  const TrainState loaded = load_checkpoint(dir_ + "/c/last.pt", *other, &other_sgd);
  EXPECT_EQ(loaded.epoch, 7);
  EXPECT_EQ(loaded.best_epoch, 5);
  EXPECT_EQ(loaded.best_val_top1, 12.5);
  EXPECT_EQ(loaded.seconds, 33.0);
  EXPECT_EQ(loaded.record.epoch, 7);
  EXPECT_EQ(loaded.record.train_loss, 0.75);
  EXPECT_EQ(loaded.record.lr, 0.01);
  EXPECT_EQ(loaded.record.val_top1, 12.5);
  EXPECT_FALSE(loaded.record.val_top5.has_value());
  EXPECT_EQ(loaded.record.seconds, 4.5);
  EXPECT_EQ(loaded.record.images_per_second, 120);
  EXPECT_TRUE(torch::equal(torch::rand({3}), next_random));  // the generator is back where it was saved
  const auto a = model->named_parameters(), b = other->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  const auto buffers = other->named_buffers();
  for (const auto& p : model->named_buffers()) EXPECT_TRUE(torch::equal(p.value(), buffers[p.key()])) << p.key();
  // The same next step from both: momenta were restored.
  const torch::Tensor x = torch::rand({4, 3, 16, 16});
  for (auto* m : {&sgd, &other_sgd}) {
    auto& net = m == &sgd ? model : other;
    m->zero_grad();
    torch::nn::functional::cross_entropy(net->forward(x), torch::tensor({0, 1, 2, 1})).backward();
    m->step();
  }
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
}

TEST_F(CheckpointTest, BadFilesAreNamed) {
  const auto model = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/none.pt", *model, nullptr), "none.pt: no such checkpoint");
  std::ofstream(dir_ + "/junk.pt") << "junk";
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/junk.pt", *model, nullptr), "junk.pt: not a wavetwin checkpoint");
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
  save_checkpoint(dir_ + "/r18.pt", *model, sgd, {});
  const auto other = models::make_model(models::parse_model_spec("resnet18 --classes 5"));
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/r18.pt", *other, nullptr), "expected [5, 512] for this model");
  std::filesystem::create_directory(dir_ + "/folder.pt");
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/folder.pt", *model, nullptr), "folder.pt: a folder; expected a checkpoint");
  // Found by the checkpoint fuzz target: a 2 GB string declared in a few bytes, refused before libtorch reads it.
  const std::string fixtures = std::string(WAVETWIN_SOURCE_DIR) + "/tests/fixtures/fuzz/checkpoint/";
  EXPECT_FALSE(is_checkpoint(fixtures + "string-of-2-GB"));
  EXPECT_THROW_WITH(load_checkpoint(fixtures + "string-of-2-GB", *model, nullptr), "bytes at byte");
}

// Every byte of a tensor is covered: one flipped bit in the middle of the file (inside the weights) is caught,
// and the model it was to be loaded into keeps its weights.
TEST_F(CheckpointTest, ACorruptedByteIsCaughtAndTheModelIsLeftAlone) {
  const auto spec = models::parse_model_spec("resnet18 --classes 3");
  const auto model = models::make_model(spec);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
  save_checkpoint(dir_ + "/c.pt", *model, sgd, {});
  std::vector<char> bytes = data::read_file(dir_ + "/c.pt");
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  std::ofstream(dir_ + "/bad.pt", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto other = models::make_model(spec);
  const torch::Tensor before = other->named_parameters()["fc.weight"].clone();
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/bad.pt", *other, nullptr), "bad.pt: corrupt checkpoint (CRC-32");
  EXPECT_TRUE(torch::equal(other->named_parameters()["fc.weight"], before));
}

// A tensor of the wrong shape or with NaN is found before anything is copied: no half-loaded model.
TEST_F(CheckpointTest, NothingIsCopiedFromACheckpointThatFailsItsChecks) {
  const auto model = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
  {
    torch::NoGradGuard no_grad;
    model->named_parameters()["fc.bias"][1] = NAN;
  }
  save_checkpoint(dir_ + "/nan.pt", *model, sgd, {});
  const auto other = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  const torch::Tensor conv = other->named_parameters()["conv1.weight"].clone();
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/nan.pt", *other, nullptr), "'fc.bias' holds NaN or infinite values");
  EXPECT_TRUE(torch::equal(other->named_parameters()["conv1.weight"], conv));  // loaded before fc, had it copied
  const auto wider = models::make_model(models::parse_model_spec("resnet18 --classes 5"));
  torch::optim::SGD wider_sgd(wider->parameters(), torch::optim::SGDOptions(0.1));
  save_checkpoint(dir_ + "/r18.pt", *wider, wider_sgd, {});
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/r18.pt", *other, nullptr), "expected [3, 512] for this model");
  EXPECT_TRUE(torch::equal(other->named_parameters()["conv1.weight"], conv));
}

// Checkpoints of formats 1 and 2 (torch::serialize archives, read by libtorch's TorchScript importer) load only
// on request.
TEST_F(CheckpointTest, EarlierFormatsLoadOnRequest) {
  const auto model = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  for (const auto& p : model->named_parameters()) model_archive.write(p.key(), p.value().detach());
  for (const auto& b : model->named_buffers()) model_archive.write(b.key(), b.value(), /*is_buffer=*/true);
  sgd.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epoch", torch::tensor(int64_t{4}));
  archive.write("best_epoch", torch::tensor(int64_t{3}));
  archive.write("best_val_top1", torch::tensor(20.0, torch::kFloat64));
  archive.write("seconds", torch::tensor(9.0, torch::kFloat64));
  archive.write("cpu_generator", at::detail::getDefaultCPUGenerator().get_state());
  archive.save_to(dir_ + "/old.pt");
  const auto other = models::make_model(models::parse_model_spec("resnet18 --classes 3"));
  EXPECT_TRUE(is_checkpoint(dir_ + "/old.pt"));
  EXPECT_THROW_WITH(load_checkpoint(dir_ + "/old.pt", *other, nullptr),
                    "old.pt: a checkpoint of an earlier wavetwin (format 1 or 2)");
  setenv("WAVETWIN_LEGACY_CHECKPOINTS", "1", 1);
  const TrainState state = load_checkpoint(dir_ + "/old.pt", *other, &sgd);
  EXPECT_EQ(state.epoch, 4);
  EXPECT_EQ(state.record.epoch, 0);
  EXPECT_TRUE(torch::equal(other->named_parameters()["fc.weight"], model->named_parameters()["fc.weight"]));
  // Found by the checkpoint fuzz target: libtorch refuses an unknown class name with torch::jit::ErrorReport,
  // which is no c10::Error, and it escaped.
  const std::string unknown_type = std::string(WAVETWIN_SOURCE_DIR) + "/tests/fixtures/fuzz/checkpoint/unknown-type-name";
  EXPECT_THROW_WITH(load_checkpoint(unknown_type, *model, nullptr),
                    "unknown-type-name: not a wavetwin checkpoint (Unknown type name '__torch__.Module':)");
  unsetenv("WAVETWIN_LEGACY_CHECKPOINTS");
}

}  // namespace
}  // namespace wavetwin::runs
