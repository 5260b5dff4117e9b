// tests/runs/checkpoint_test.cpp: checkpoints restore the model, the optimiser's momenta, the state and the
// random generator exactly; bad files are named.
#include "wavetwin/runs/checkpoint.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "support/support.h"
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
  const TrainState state{7, 5, 12.5, 33.0};
  save_checkpoint(dir_ + "/c/last.pt", *model, sgd, state);
  const torch::Tensor next_random = torch::rand({3});

  const auto other = models::make_model(spec);
  torch::optim::SGD other_sgd(other->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(1e-4));
  const TrainState loaded = load_checkpoint(dir_ + "/c/last.pt", *other, &other_sgd);
  EXPECT_EQ(loaded.epoch, 7);
  EXPECT_EQ(loaded.best_epoch, 5);
  EXPECT_EQ(loaded.best_val_top1, 12.5);
  EXPECT_EQ(loaded.seconds, 33.0);
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
}

}  // namespace
}  // namespace wavetwin::runs
