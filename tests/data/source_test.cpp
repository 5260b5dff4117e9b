// tests/data/source_test.cpp: opening datasets by spec, the reference's splits, the decoded-image cache.
#include "wavetwin/data/source.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"

namespace wavetwin::data {
namespace {

class SourceTest : public test::TempDirTest {
 protected:
  void image(const std::string& relative, int value) {
    const auto path = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(path.parent_path());
    write_png(path.string(), torch::full({8, 8, 3}, value, torch::kUInt8));
  }
  // CIFAR-like folders: train/ with `per_class` images of each of 3 classes, test/ with one each.
  void cifar_folders(int per_class) {
    for (const std::string c : {"cat", "dog", "emu"}) {
      for (int i = 0; i < per_class; ++i) image("cifar10/train/" + c + "/" + std::to_string(i) + ".png", i);
      image("cifar10/test/" + c + "/0.png", 100);
    }
  }
};

TEST_F(SourceTest, CifarFoldersAreDecodedOnceThenReadFromTheCache) {
  cifar_folders(5);
  DataOptions options;
  options.holdout_per_class = 2;
  const DataSplits first = open_data("cifar10:" + dir_, options);
  EXPECT_FALSE(first.cached);
  EXPECT_EQ(first.train->size(), 9);
  EXPECT_EQ(first.val->size(), 6);
  EXPECT_EQ(first.test->size(), 3);
  EXPECT_EQ(first.val->image(1)[0][0][0].item<int>(), 1);  // the second image of "cat"
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/cifar10/.wavetwin-cache/cifar10-train.pt"));
  const DataSplits second = open_data("cifar10:" + dir_ + "/cifar10", options);
  EXPECT_TRUE(second.cached);
  EXPECT_TRUE(torch::equal(second.train->image(4), first.train->image(4)));
  EXPECT_EQ(second.train->label(8), 2);
  // A changed folder invalidates the cache.
  image("cifar10/train/emu/9.png", 9);
  const DataSplits third = open_data("cifar10:" + dir_, options);
  EXPECT_FALSE(third.cached);
  EXPECT_EQ(third.train->size(), 10);
  EXPECT_TRUE(third.notices.empty());
  // A cache that cannot be written is said, not silently skipped.
  std::ofstream(dir_ + "/a-file") << "not a folder";
  options.cache_dir = dir_ + "/a-file";
  const DataSplits uncached = open_data("cifar10:" + dir_, options);
  ASSERT_FALSE(uncached.notices.empty());
  EXPECT_NE(uncached.notices[0].find("cifar10-train.pt: cannot"), std::string::npos) << uncached.notices[0];
  EXPECT_NE(uncached.notices[0].find("the decoded images are not cached"), std::string::npos) << uncached.notices[0];
}

TEST_F(SourceTest, CorruptImagesAreSkippedAndCountedUnlessStrict) {
  cifar_folders(3);
  std::ofstream(dir_ + "/cifar10/train/dog/bad.png") << "not a png";
  DataOptions options;
  options.holdout_per_class = 1;
  options.cache_dir = dir_ + "/cache";
  const DataSplits data = open_data("cifar10:" + dir_, options);
  ASSERT_EQ(data.failures.size(), 1u);
  EXPECT_NE(data.failures[0].file.string().find("bad.png"), std::string::npos);
  EXPECT_EQ(data.train->size() + data.val->size(), 9);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/cache/cifar10-train.pt"));
  // From the cache: the same failure, still named, and still refused with --strict.
  const DataSplits again = open_data("cifar10:" + dir_, options);
  EXPECT_TRUE(again.cached);
  ASSERT_EQ(again.failures.size(), 1u);
  EXPECT_EQ(again.failures[0].file, data.failures[0].file);
  EXPECT_EQ(again.failures[0].reason, data.failures[0].reason);
  options.strict = true;
  EXPECT_THROW_WITH(open_data("cifar10:" + dir_, options), "bad.png");
  options.cache_dir = dir_ + "/cache2";
  EXPECT_THROW_WITH(open_data("cifar10:" + dir_, options), "bad.png");
}

TEST_F(SourceTest, ImageNetLayoutHoldsOutPerClassAndTestsOnVal) {
  for (const std::string c : {"n1", "n2"}) {
    for (int i = 0; i < 4; ++i) image("inet/train/" + c + "/" + std::to_string(i) + ".png", i);
    image("inet/val/" + c + "/v.png", 50);
  }
  DataOptions options;
  options.holdout_per_class = 1;
  const DataSplits data = open_data("folder:" + dir_ + "/inet", options);
  EXPECT_EQ(data.train->size(), 6);
  EXPECT_EQ(data.val->size(), 2);
  EXPECT_EQ(data.test->size(), 2);
  EXPECT_EQ(data.test->image(1)[0][0][0].item<int>(), 50);
}

TEST_F(SourceTest, BadSpecsAreNamed) {
  EXPECT_THROW_WITH(open_data("imagenette:" + dir_), "unknown kind; expected fashion-mnist[:DIR], mnist:DIR");
  EXPECT_THROW_WITH(open_data("cifar10:" + dir_), "neither CIFAR-10 binary batches");
  EXPECT_THROW_WITH(open_data("mnist:" + dir_), "no train-images-idx3-ubyte[.gz]");
  EXPECT_THROW_WITH(open_data("folder:" + dir_ + "/none"), "none: no such folder");
  cifar_folders(2);
  EXPECT_THROW_WITH(open_data("cifar10:" + dir_), "class cat has 2 images; expected more than the 100 held out");
}

TEST(DataSpec, KindAndPathAreTakenApart) {
  const DataSpec cifar = parse_data_spec("cifar10:/data/c:10");
  EXPECT_EQ(cifar.kind, DataKind::kCifar10);
  EXPECT_EQ(cifar.path, "/data/c:10");  // only the first colon separates
  EXPECT_EQ(cifar.name(), "cifar10");
  EXPECT_EQ(parse_data_spec("fashion-mnist").kind, DataKind::kFashionMnist);
  EXPECT_EQ(parse_data_spec("fashion-mnist").path, "");
  EXPECT_EQ(parse_data_spec("mnist:m").kind, DataKind::kMnist);
  EXPECT_EQ(parse_data_spec("folder:f").name(), "folder");
  EXPECT_THROW_WITH(parse_data_spec("mnist"), "data spec 'mnist': no DIR; expected mnist:DIR");
  EXPECT_THROW_WITH(parse_data_spec("folder:"), "data spec 'folder:': no PATH; expected folder:PATH");
  EXPECT_THROW_WITH(parse_data_spec("fashion-mnist:"), "no DIR; expected fashion-mnist:DIR");
  EXPECT_THROW_WITH(parse_data_spec("Cifar10:x"), "unknown kind");
  EXPECT_THROW_WITH(parse_data_spec(""), "data spec '': unknown kind");
}

TEST_F(SourceTest, SharedCifarJpegs) {
  const std::string archive = test::shared_dir() + "/datasets/cifar10-jpg.tar.gz";
  if (test::shared_dir().empty() || !std::filesystem::exists(archive)) GTEST_SKIP() << "needs " << archive;
  std::string output;
  // Only the test half: 10000 JPEGs, enough to check the decoding path on real files.
  ASSERT_EQ(test::run_command("tar -xzf " + archive + " -C " + dir_ + " cifar10/test", &output), 0) << output;
  const ImageFolderDataset folder(dir_ + "/cifar10/test");
  EXPECT_EQ(folder.classes().size(), 10u);
  std::vector<LoadFailure> failures;
  const auto decoded = decode_all(folder, "cifar10-test", true, failures);
  EXPECT_EQ(decoded->images().sizes(), (std::vector<int64_t>{10000, 32, 32, 3}));
  EXPECT_TRUE(failures.empty());
}

}  // namespace
}  // namespace wavetwin::data
