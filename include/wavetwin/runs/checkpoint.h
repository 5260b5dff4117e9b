// wavetwin/runs/checkpoint.h: training checkpoints: the model, the optimiser's state, the epoch reached, the
// best validation so far and the random generator's state, in one file written atomically.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/sgd.h>

#include <cstdint>
#include <string>

namespace wavetwin::runs {

/// What a checkpoint holds besides the model and the optimiser.
struct TrainState {
  int64_t epoch = 0;  ///< epochs completed
  int64_t best_epoch = 0;
  double best_val_top1 = 101;  ///< error in %, 101 before any validation
  double seconds = 0;           ///< training time so far
};

/// Writes the checkpoint atomically (a temporary file, then a rename): an interrupted write leaves the
/// previous file intact.
void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD& optimizer,
                     const TrainState& state);

/// Restores model, optimiser and the CPU random generator; returns the state. Throws wavetwin::Error
/// naming the file when it is missing, corrupt or belongs to another model.
TrainState load_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD* optimizer);

}  // namespace wavetwin::runs
