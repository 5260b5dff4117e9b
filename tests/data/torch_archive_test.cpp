// tests/data/torch_archive_test.cpp: the check of torch.save archives before libtorch reads them: what torch
// writes passes; lengths, memo slots and opcodes that would make libtorch's unpickler allocate what the file
// does not hold are named.
#include "wavetwin/data/torch_archive.h"

#include <torch/torch.h>

#include "support/support.h"
#include "wavetwin/data/file.h"

namespace wavetwin::data {
namespace {

std::string problem_of(const std::vector<char>& bytes) { return inspect_torch_archive(bytes.data(), bytes.size()).problem; }

// `bytes` with its first `from` replaced by `to` (same length, inside data.pkl).
std::vector<char> patched(std::vector<char> bytes, const std::string& from, const std::string& to) {
  const std::string text(bytes.begin(), bytes.end());
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no " << from.size() << "-byte pattern to patch";
  if (at != std::string::npos) std::copy(to.begin(), to.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  return bytes;
}

// `size` bytes holding one end record of an empty zip at byte `at`, and no other.
std::vector<char> end_record_at(size_t at, size_t size) {
  std::vector<char> bytes(size, 'Z');
  const char end[22] = {'P', 'K', 5, 6};
  std::copy(std::begin(end), std::end(end), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  return bytes;
}

TEST(TorchArchive, WhatTorchWritesPasses) {
  const std::vector<char> tensor = torch::pickle_save(torch::rand({2, 3}));
  const TorchArchive archive = inspect_torch_archive(tensor.data(), tensor.size());
  EXPECT_EQ(archive.problem, "");
  EXPECT_EQ(archive.records.size(), 3u);  // data.pkl, data/0, version
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  dict.insert("name", std::string("abc"));
  dict.insert("values", c10::List<int64_t>({1, 2, 3}));
  dict.insert("weights", torch::rand({4}));
  EXPECT_EQ(problem_of(torch::pickle_save(dict)), "");
  // A torch::serialize archive (TorchScript code, deflated when large) too.
  torch::nn::Linear model(300, 20);
  torch::serialize::OutputArchive out;
  model->save(out);
  std::ostringstream stream;
  out.save_to(stream);
  const std::string saved = stream.str();
  EXPECT_EQ(problem_of({saved.begin(), saved.end()}), "");
}

TEST(TorchArchive, WhatWouldMakeLibtorchAllocateIsNamed) {
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(std::string("abcdefgh")));
  // BINUNICODE of 8 bytes declared 2147483647 long: libtorch would reserve 2 GB.
  EXPECT_NE(problem_of(patched(bytes, std::string("X\x08\0\0\0abcdefgh", 13), std::string("X\xff\xff\xff\x7f", 5)))
                .find("data.pkl: a value of 2147483647 bytes at byte"),
            std::string::npos);
  // A memo slot far past those filled: libtorch would grow its memo table to it.
  const std::vector<char> list = torch::pickle_save(c10::List<int64_t>({7, 8}));
  const std::string list_problem = problem_of(patched(list, std::string("q\x00", 2), std::string("q\xf0", 2)));
  EXPECT_NE(list_problem.find("memo slot 240"), std::string::npos) << list_problem;
  // Not an opcode of pickle's.
  EXPECT_NE(problem_of(patched(bytes, std::string("X\x08", 2), std::string("\xfe\x08", 2))).find("pickle opcode 0xfe"),
            std::string::npos);
  // Found twice by the checkpoint fuzz target: an end record more than 4096 bytes from the end, where libtorch's
  // zip reader looks for it in windows of which one begins before the file (it read up to 4 KiB outside it).
  for (const auto& [fixture, message] : {std::pair{"end-record-1810-of-6987", "an end record at byte 1810 of 6987"},
                                         std::pair{"end-record-19-of-7624", "an end record at byte 19 of 7624"}}) {
    EXPECT_EQ(problem_of(read_file(test::source_path(std::string("tests/fixtures/fuzz/checkpoint/") + fixture))),
              std::string(message) + ", which libtorch's zip reader would look for before the start of the file");
  }
  EXPECT_EQ(problem_of(end_record_at(19, 5041)),
            "an end record at byte 19 of 5041, which libtorch's zip reader would look for before the start of the file");
  // Its windows start at 4093 and then at 0, found in the second; with 20 bytes more, at 4113, 20 and -4073.
  const std::vector<char> second_window = end_record_at(10, 4096 + 4093);
  EXPECT_EQ(problem_of(second_window), "");
  EXPECT_THROW(torch::pickle_load(second_window), c10::Error);  // no files; under ASan, no read outside it
  EXPECT_NE(problem_of(end_record_at(10, 4096 + 4093 + 20)).find("before the start of the file"), std::string::npos);
  // Entry counts that disagree: a zip over several disks.
  std::vector<char> split = end_record_at(0, 22);
  split[8] = 1;
  EXPECT_EQ(problem_of(split), "a zip split over disks");
  // Cut short: its directory is gone.
  EXPECT_EQ(problem_of({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2)}), "no zip directory");
  EXPECT_EQ(problem_of({}), "only 0 bytes, no zip archive");
}

}  // namespace
}  // namespace wavetwin::data
