// wavetwin/data/idx.h: IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed.
//
// Images: magic 0x00000803, then big-endian int32 counts (N, rows, cols) and N * rows * cols bytes; labels:
// magic 0x00000801, N, then N bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "wavetwin/data/dataset.h"

namespace wavetwin::data {

/// The grey images of an IDX image file with the labels of an IDX label file (each may end in .gz). Throws
/// wavetwin::Error naming the file that is missing, truncated, of the wrong kind, or whose count disagrees.
std::shared_ptr<TensorDataset> read_idx(const std::string& images_path, const std::string& labels_path,
                                        std::vector<std::string> classes, const std::string& name);

/// Fashion-MNIST's class names, in label order.
const std::vector<std::string>& fashion_mnist_classes();

}  // namespace wavetwin::data
