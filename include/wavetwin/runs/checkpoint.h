// wavetwin/runs/checkpoint.h: training checkpoints: the model, the optimiser's state, the epoch reached and
// its record, the best validation so far and the random generator's state, in one file written atomically
// and checked on load.
//
// The file (format 3) is a pickled dictionary, as torch.save writes, holding the checkpoint's own pickled
// dictionary as bytes and their CRC-32 (zlib), since libtorch reads archives without checking the CRCs of their
// parts. Both are checked (data::inspect_torch_archive) before libtorch reads them. Checkpoints of formats 1 and 2
// (torch::serialize archives) are read only when WAVETWIN_LEGACY_CHECKPOINTS=1: libtorch reads them with its
// TorchScript importer, which trusts the code in the file (fuzzing crashed it).
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/sgd.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wavetwin/runs/run_store.h"

namespace wavetwin::runs {

/// What a checkpoint holds besides the model and the optimiser.
struct TrainState {
  int64_t epoch = 0;  ///< epochs completed
  int64_t best_epoch = 0;
  double best_val_top1 = 101;  ///< error in %, 101 before any validation
  double seconds = 0;           ///< training time so far
  /// The record of epoch `epoch`, so that a store that missed it (a kill between the file and the store)
  /// gets it back on resumption; its epoch is 0 when the checkpoint predates it.
  EpochRecord record;
};

/// Writes the same checkpoint to each of `paths` in turn, each atomically (a temporary file, then a rename):
/// an interrupted write leaves every earlier file whole and the file it was writing as it was before.
void save_checkpoints(const std::vector<std::string>& paths, torch::nn::Module& model, torch::optim::SGD& optimizer,
                      const TrainState& state);
void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD& optimizer,
                     const TrainState& state);

/// Whether `path` is a checkpoint of wavetwin train (a torch::serialize archive, not a torch.save file).
bool is_checkpoint(const std::string& path);

/// The model's parameters and buffers in the checkpoint, by name, for tools that read weights without the
/// model (`wavetwin kernels`). Throws as load_checkpoint.
std::vector<std::pair<std::string, torch::Tensor>> checkpoint_weights(const std::string& path);

/// Restores model, optimiser and the CPU random generator; returns the state. Throws wavetwin::Error
/// naming the file when it is missing, corrupt (its checksum differs), holds non-finite weights or belongs to
/// another model; the model is then left untouched.
TrainState load_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::SGD* optimizer);

}  // namespace wavetwin::runs
