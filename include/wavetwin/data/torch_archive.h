// wavetwin/data/torch_archive.h: a torch.save / torch::save file checked before libtorch reads it.
//
// libtorch 1.13's unpickler trusts the lengths it reads: a 747-byte file declaring a 1.7 GB string, or a memo
// index of 4 billion, makes it allocate that much before it finds the file short (found by fuzzing). The check
// walks the zip archive's directory and every pickle in it, and refuses what would make libtorch allocate
// more than the file holds; it accepts everything torch.save and torch::save write.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace wavetwin::data {

struct TorchArchive {
  /// What makes the bytes unsafe for libtorch to read, naming the record at fault ("" when nothing does): a zip
  /// directory that does not fit the file, a compressed pickle or a record declaring more than deflate can give
  /// (torch's writer stores pickles and deflates only code), or a pickle with a length past its end, a memo slot
  /// it never filled or an opcode that is not pickle's.
  std::string problem;
  /// The names of its records, as far as they were read ("archive/data.pkl", "archive/code/__torch__.py", ...).
  std::vector<std::string> records;
};

TorchArchive inspect_torch_archive(const char* data, size_t size);

}  // namespace wavetwin::data
