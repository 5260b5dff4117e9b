// wavetwin/data/cifar10.h: CIFAR-10 in its official binary format (cifar-10-batches-bin).
//
// Each file holds records of 3073 bytes: the label, then 1024 red, 1024 green and 1024 blue values of a 32x32
// image in row-major order. Training: data_batch_1.bin .. data_batch_5.bin (50000 images); test: test_batch.bin.
#pragma once

#include <memory>
#include <string>

#include "wavetwin/data/dataset.h"

namespace wavetwin::data {

/// CIFAR-10's class names, in label order (batches.meta.txt).
const std::vector<std::string>& cifar10_classes();

/// Reads the training (`train`) or test batches of `dir` (the cifar-10-batches-bin folder). Throws
/// wavetwin::Error naming the file that is missing, truncated or holds a label outside 0..9.
std::shared_ptr<TensorDataset> read_cifar10_binary(const std::string& dir, bool train);

}  // namespace wavetwin::data
