// tests/data/image_list_test.cpp: listing folders and loading batches where some files fail.
#include "wavetwin/data/image_list.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"

namespace wavetwin::data {
namespace {

class ImageListTest : public test::TempDirTest {
 protected:
  void touch(const std::string& relative, const std::string& text = "x") {
    const auto path = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
};

TEST_F(ImageListTest, ListsRegularFilesRecursivelySortedWithoutHiddenOnes) {
  touch("b.jpg"), touch("a/z.png"), touch("a/c.txt"), touch(".hidden.jpg"), touch(".git/x.png");
  const auto files = list_files(dir_);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].filename(), "c.txt");
  EXPECT_EQ(files[1].filename(), "z.png");
  EXPECT_EQ(files[2].filename(), "b.jpg");
}

TEST_F(ImageListTest, BadFoldersAreNamed) {
  EXPECT_THROW_WITH(list_files(dir_ + "/missing"), "missing: no such folder");
  touch("file.jpg");
  EXPECT_THROW_WITH(list_files(dir_ + "/file.jpg"), "file.jpg: not a folder");
  std::filesystem::create_directories(dir_ + "/empty/.hidden");
  EXPECT_THROW_WITH(list_files(dir_ + "/empty"), "empty: holds no file");
}

TEST_F(ImageListTest, FailuresAreCountedInOrderAndTheRestIsStacked) {
  for (int i = 0; i < 7; ++i) touch("f" + std::to_string(i), std::to_string(i));
  const auto files = list_files(dir_);
  const auto load = [](const std::filesystem::path& f) {
    const int k = std::stoi(f.filename().string().substr(1));
    if (k % 3 == 1) throw std::runtime_error("bad " + std::to_string(k));
    return torch::full({2}, k, torch::kFloat32);
  };
  const LoadedBatch batch = load_batch(files, 1, 7, load);
  EXPECT_EQ(batch.loaded, (std::vector<size_t>{1, 2, 4, 5}));  // files 2, 3, 5, 6
  ASSERT_EQ(batch.failures.size(), 2u);
  EXPECT_EQ(batch.failures[0].file.filename(), "f1");
  EXPECT_EQ(batch.failures[1].reason, "bad 4");
  EXPECT_TRUE(torch::equal(batch.tensors.select(1, 0), torch::tensor({2.0f, 3.0f, 5.0f, 6.0f})));
  const LoadedBatch none = load_batch(files, 1, 2, load);
  EXPECT_FALSE(none.tensors.defined());
  EXPECT_THROW_WITH(load_batch(files, 0, 9, load), "files [0, 9) of 7");
  const auto ragged = [](const std::filesystem::path& f) { return torch::zeros({f.filename() == "f3" ? 3 : 2}); };
  EXPECT_THROW_WITH(load_batch(files, 0, 7, ragged), "f3: loaded as [3]; expected [2]");
}

}  // namespace
}  // namespace wavetwin::data
