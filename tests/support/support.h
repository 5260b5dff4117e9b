// tests/support/support.h: shared test fixtures: seeding, tolerances, Python oracles, temporary files.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "wavetwin/error.h"

namespace wavetwin::test {

/// Tolerances by dtype (relative to the largest magnitude of the expected tensor).
constexpr double kTolFloat64 = 1e-10;
constexpr double kTolFloat32 = 1e-5;

/// A fixture that seeds torch, so every test sees the same random tensors.
class Seeded : public ::testing::Test {
 protected:
  Seeded() { torch::manual_seed(20240101); }
};

/// Max |a - b| / max(max |b|, tiny): the relative error the tolerances above bound.
double relative_error(const torch::Tensor& a, const torch::Tensor& b);

/// The Python with Debian's torch, numpy, dtcwt, pywt and PIL (/usr/bin/python3).
std::string python();

/// Whether python() can import every module in `modules`.
bool python_has(const std::vector<std::string>& modules);

/// Runs `python() script args...` from the source tree; returns the exit status, output in `output`.
int run_python(const std::string& script, const std::vector<std::string>& args, std::string* output = nullptr);

/// Runs a shell command; returns its exit status and sets `output` to stdout and stderr together.
int run_command(const std::string& command, std::string* output);

/// A fresh empty directory under the system temporary directory.
std::string temp_dir();

/// A seeded fixture with a fresh temporary directory `dir_`, removed after each test.
class TempDirTest : public Seeded {
 protected:
  void SetUp() override { dir_ = temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

/// Absolute path of a file in the source tree.
std::string source_path(const std::string& relative);

/// A folder of `classes` sub-folders 0, 1, ... of `per_class` random RGB PNGs (side x side), class c brighter
/// in channel c: an image-folder dataset a few epochs learn something from.
void write_image_folder(const std::string& root, int classes = 3, int per_class = 8, int64_t side = 16);

/// ../shared beside the checkout, or "" when it is absent.
std::string shared_dir();

}  // namespace wavetwin::test

/// Skips the current test with a message unless the Python oracle modules are available.
#define WAVETWIN_REQUIRE_PYTHON(...)                                                   \
  do {                                                                                 \
    if (!::wavetwin::test::python_has({__VA_ARGS__}))                                  \
      GTEST_SKIP() << "needs /usr/bin/python3 with " << #__VA_ARGS__;                  \
  } while (false)

/// Expects `statement` to throw wavetwin::Error whose message contains `substring`.
#define EXPECT_THROW_WITH(statement, substring)                                                \
  do {                                                                                         \
    try {                                                                                      \
      statement;                                                                               \
      ADD_FAILURE() << "expected wavetwin::Error containing '" << substring << "'";          \
    } catch (const ::wavetwin::Error& e) {                                                     \
      EXPECT_NE(std::string(e.what()).find(substring), std::string::npos) << e.what();         \
    }                                                                                          \
  } while (false)
