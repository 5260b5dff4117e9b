// tests/fuzz/findings_test.cpp: every input the fuzzers found a problem with (tests/fixtures/fuzz/TARGET/), read
// again by its target's reader of fuzz/readers.h: each must be read, or refused with a wavetwin::Error.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "readers.h"
#include "support/support.h"

namespace wavetwin {
namespace {

class FuzzFindingsTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(fuzz::scratch_dir()); }
};

TEST_F(FuzzFindingsTest, EachIsReadOrRefusedByName) {
  setenv("WAVETWIN_MAX_IMAGE_PIXELS", fuzz::kMaxImagePixels, 1);
  const std::string root = std::string(WAVETWIN_SOURCE_DIR) + "/tests/fixtures/fuzz/";
  int inputs = 0;
  for (const auto& [target, reader] : fuzz::readers()) {
    if (!std::filesystem::is_directory(root + target)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(root + target)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      const std::string where = target + "/" + entry.path().filename().string();
      reader(bytes.data(), bytes.size(), [&](const std::function<void()>& read) {
        try {
          read();
        } catch (const Error&) {
        } catch (const std::exception& e) {
          ADD_FAILURE() << where << ": not a wavetwin::Error: " << e.what();
        }
      });
      ++inputs;
    }
  }
  std::printf("fuzz findings read again: %d\n", inputs);
  EXPECT_GE(inputs, 4);
}

}  // namespace
}  // namespace wavetwin
