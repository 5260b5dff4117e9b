// tests/data/dataset_test.cpp: image folders, in-memory datasets, subsets, held-out splits, decoding all.
#include "wavetwin/data/dataset.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"

namespace wavetwin::data {
namespace {

class DatasetTest : public test::TempDirTest {
 protected:
  // A 4x5 RGB PNG whose every pixel is `value`.
  void image(const std::string& relative, int value, int64_t h = 4, int64_t w = 5) {
    const auto path = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(path.parent_path());
    write_png(path.string(), torch::full({h, w, 3}, value, torch::kUInt8));
  }
  void text(const std::string& relative, const std::string& content) {
    const auto path = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }
};

TEST_F(DatasetTest, ImageFolderSortsClassesAndFilesAndKeepsOnlyImages) {
  image("dog/b.png", 20), image("cat/z.PNG", 30), image("dog/a.png", 10), image("cat/sub/y.png", 40);
  text("cat/notes.txt", "not an image"), text(".hidden/x.png", "x");
  const ImageFolderDataset folder(dir_);
  EXPECT_EQ(folder.classes(), (std::vector<std::string>{"cat", "dog"}));
  ASSERT_EQ(folder.size(), 4);
  EXPECT_EQ(folder.channels(), 3);
  const std::vector<int> values = {40, 30, 10, 20};  // cat/sub/y, cat/z, dog/a, dog/b
  const std::vector<int64_t> labels = {0, 0, 1, 1};
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(folder.label(i), labels[i]);
    EXPECT_EQ(folder.image(i)[0][0][0].item<int>(), values[i]) << folder.where(i);
  }
  EXPECT_EQ(ImageFolderDataset(dir_, ColorMode::kGray).image(0).size(2), 1);
}

TEST_F(DatasetTest, BadFoldersAreNamed) {
  EXPECT_THROW_WITH(ImageFolderDataset(dir_ + "/missing"), "missing: no such folder");
  text("loose.png", "x");
  EXPECT_THROW_WITH(ImageFolderDataset{dir_}, "holds no class folder");
  image("a/1.png", 1), text("b/readme.txt", "x");
  EXPECT_THROW_WITH(ImageFolderDataset{dir_}, "b: class folder holds no image");
}

TEST_F(DatasetTest, TensorDatasetChecksShapesAndLabels) {
  const auto images = torch::zeros({3, 2, 2, 1}, torch::kUInt8);
  const TensorDataset ok(images, torch::tensor({0, 1, 1}), {"a", "b"}, "tiny");
  EXPECT_EQ(ok.label(2), 1);
  EXPECT_EQ(ok.channels(), 1);
  EXPECT_EQ(ok.where(2), "tiny[2]");
  EXPECT_THROW_WITH(TensorDataset(images, torch::tensor({0, 2, 1}), {"a", "b"}, "tiny"), "label 2 of sample 1");
  EXPECT_THROW_WITH(TensorDataset(images, torch::tensor({0, 1}), {"a", "b"}, "tiny"), "2 labels for 3 images");
  EXPECT_THROW_WITH(TensorDataset(torch::zeros({3, 2, 2}), torch::tensor({0, 1, 1}), {"a", "b"}, "tiny"),
                    "expected uint8 (N, H, W, 1 or 3)");
}

TEST_F(DatasetTest, HoldoutSplitsFollowTheReference) {
  // Labels 0 1 0 1 0 1 2 2 2: per class, the first two of each are held out.
  const auto ds = std::make_shared<TensorDataset>(torch::zeros({9, 1, 1, 1}, torch::kUInt8),
                                                  torch::tensor({0, 1, 0, 1, 0, 1, 2, 2, 2}),
                                                  std::vector<std::string>{"a", "b", "c"}, "toy");
  const HoldoutSplit per_class = holdout_per_class(*ds, 2);
  EXPECT_EQ(per_class.val, (std::vector<int64_t>{0, 1, 2, 3, 6, 7}));
  EXPECT_EQ(per_class.train, (std::vector<int64_t>{4, 5, 8}));
  const HoldoutSplit first = holdout_first(*ds, 4);
  EXPECT_EQ(first.val, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(first.train.size(), 5u);
  EXPECT_THROW_WITH(holdout_per_class(*ds, 3), "class a has 3 images; expected more than the 3 held out");
  const SubsetDataset subset(ds, per_class.train);
  EXPECT_EQ(subset.size(), 3);
  EXPECT_EQ(subset.label(2), 2);
  EXPECT_EQ(subset.where(0), "toy[4]");
  EXPECT_THROW_WITH(SubsetDataset(ds, {9}), "index 9");
}

TEST_F(DatasetTest, DecodeAllSkipsAndCountsCorruptImagesUnlessStrict) {
  image("a/1.png", 1), image("a/2.png", 2), image("b/3.png", 3), image("b/4.png", 4, 6, 5);
  text("b/2bad.png", "garbage");
  const ImageFolderDataset folder(dir_);
  std::vector<LoadFailure> failures;
  const auto decoded = decode_all(folder, "toy", false, failures);
  ASSERT_EQ(decoded->size(), 3);
  EXPECT_EQ(decoded->images().sizes(), (std::vector<int64_t>{3, 4, 5, 3}));
  EXPECT_EQ(decoded->images()[2][0][0][0].item<int>(), 3);
  EXPECT_EQ(decoded->label(2), 1);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_NE(failures[0].file.string().find("2bad.png"), std::string::npos);
  EXPECT_NE(failures[1].reason.find("expected the size of the first image"), std::string::npos) << failures[1].reason;
  EXPECT_THROW_WITH(decode_all(folder, "toy", true, failures), "2bad.png");
}

}  // namespace
}  // namespace wavetwin::data
