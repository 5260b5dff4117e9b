// tests/data/loader_test.cpp: batches independent of the thread count, seeded shuffles, resuming inside an
// epoch, skipped and fatal corrupt samples.
#include "wavetwin/data/loader.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "support/support.h"

namespace wavetwin::data {
namespace {

class LoaderTest : public test::Seeded {
 protected:
  // 37 RGB 12x12 images whose pixels encode their index, labels index % 4.
  std::shared_ptr<TensorDataset> toy() const {
    const auto images = torch::arange(37, torch::kInt64).view({37, 1, 1, 1}).expand({37, 12, 12, 3}).to(torch::kUInt8);
    return std::make_shared<TensorDataset>(images.contiguous(), torch::arange(37) % 4,
                                           std::vector<std::string>{"a", "b", "c", "d"}, "toy");
  }
  static TransformOptions small() {
    TransformOptions t;
    t.size = 8;
    return t;
  }
  static std::vector<Batch> epoch(Loader& loader, int64_t e, int64_t first = 0) {
    loader.start(e, first);
    std::vector<Batch> batches;
    Batch b;
    while (loader.next(b)) batches.push_back(b);
    return batches;
  }
};

TEST_F(LoaderTest, BatchesDoNotDependOnTheThreadCount) {
  LoaderOptions options;
  options.batch = 5;
  options.seed = 9;
  options.threads = 1;
  Loader one(toy(), small(), options);
  options.threads = 3;
  options.prefetch = 2;
  Loader three(toy(), small(), options);
  EXPECT_EQ(one.batches(), 8);
  const auto a = epoch(one, 4), b = epoch(three, 4);
  ASSERT_EQ(a.size(), 8u);
  ASSERT_EQ(b.size(), 8u);
  std::set<int64_t> seen;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i].images, b[i].images)) << i;
    EXPECT_TRUE(torch::equal(a[i].labels, b[i].labels)) << i;
    EXPECT_EQ(a[i].indices, b[i].indices);
    for (size_t k = 0; k < a[i].indices.size(); ++k) {
      seen.insert(a[i].indices[k]);
      EXPECT_EQ(a[i].labels[k].item<int64_t>(), a[i].indices[k] % 4);
    }
  }
  EXPECT_EQ(seen.size(), 37u);
  EXPECT_EQ(a.back().images.size(0), 2);
  EXPECT_EQ(a.front().images.sizes(), (std::vector<int64_t>{5, 3, 8, 8}));
}

TEST_F(LoaderTest, ShufflesDependOnSeedAndEpoch) {
  LoaderOptions options;
  options.batch = 37;
  Loader loader(toy(), small(), options);
  const auto e0 = epoch(loader, 0), e1 = epoch(loader, 1), e0_again = epoch(loader, 0);
  EXPECT_NE(e0[0].indices, e1[0].indices);
  EXPECT_EQ(e0[0].indices, e0_again[0].indices);
  options.shuffle = false;
  Loader ordered(toy(), small(), options);
  const auto plain = epoch(ordered, 3);
  for (int64_t i = 0; i < 37; ++i) EXPECT_EQ(plain[0].indices[i], i);
}

TEST_F(LoaderTest, ResumingAtABatchGivesTheRestOfTheEpoch) {
  LoaderOptions options;
  options.batch = 4;
  options.drop_last = true;
  Loader loader(toy(), small(), options);
  EXPECT_EQ(loader.batches(), 9);
  const auto full = epoch(loader, 2), rest = epoch(loader, 2, 6);
  ASSERT_EQ(rest.size(), 3u);
  for (size_t i = 0; i < rest.size(); ++i) EXPECT_TRUE(torch::equal(rest[i].images, full[6 + i].images));
  EXPECT_THROW_WITH(loader.start(2, 10), "start at batch 10");
}

TEST_F(LoaderTest, CorruptSamplesAreSkippedAndCountedOrFatalWhenStrict) {
  const std::string dir = test::temp_dir();
  for (int c = 0; c < 2; ++c) {
    std::filesystem::create_directories(dir + "/" + std::to_string(c));
    for (int i = 0; i < 3; ++i) {
      write_png(dir + "/" + std::to_string(c) + "/" + std::to_string(i) + ".png", torch::full({9, 9, 3}, i, torch::kUInt8));
    }
  }
  std::ofstream(dir + "/1/1.png") << "broken";
  const auto folder = std::make_shared<ImageFolderDataset>(dir);
  LoaderOptions options;
  options.batch = 4;
  Loader loader(folder, small(), options);
  int64_t samples = 0;
  for (const auto& b : epoch(loader, 0)) samples += b.images.size(0);
  EXPECT_EQ(samples, 5);
  ASSERT_EQ(loader.failures().size(), 1u);
  EXPECT_NE(loader.failures()[0].file.string().find("1/1.png"), std::string::npos);
  options.strict = true;
  Loader strict(folder, small(), options);
  EXPECT_THROW_WITH(epoch(strict, 0), "1.png");
  std::filesystem::remove_all(dir);
}

// Training batches decode only each crop window of a JPEG; at full scale the result is that of decoding the
// whole file (the reference's pixels), and with DCT scaling it stays close.
TEST_F(LoaderTest, WindowedJpegDecodingGivesTheSameSamples) {
  const std::string dir = test::temp_dir();
  for (const std::string c : {"a", "b"}) {
    std::filesystem::create_directories(dir + "/" + c);
    for (int i = 0; i < 3; ++i) {
      std::filesystem::copy_file(test::source_path("tests/fixtures/image/natural_rgb.jpg"),
                                 dir + "/" + c + "/" + std::to_string(i) + ".jpg");
    }
  }
  const auto folder = std::make_shared<ImageFolderDataset>(dir);
  TransformOptions transform = small();
  transform.size = 16;
  transform.jpeg_scaling = false;
  LoaderOptions options;
  options.batch = 6;
  options.seed = 2;
  Loader loader(folder, transform, options);
  const auto batches = epoch(loader, 1);
  ASSERT_EQ(batches.size(), 1u);
  for (int64_t k = 0; k < 6; ++k) {
    const int64_t index = batches[0].indices[k];
    SampleRandom random(2, 1, index);
    EXPECT_TRUE(torch::equal(batches[0].images[k], transform_image(folder->image(index), transform, random))) << k;
  }
  transform.jpeg_scaling = true;
  Loader scaled(folder, transform, options);
  const auto fast = epoch(scaled, 1);
  EXPECT_LT((fast[0].images - batches[0].images).abs().mean().item<double>(), 0.2);  // normalised units
  std::filesystem::remove_all(dir);
}

TEST_F(LoaderTest, BatchSlicesAreContiguousDisjointCoveringAndBalanced) {
  for (int64_t parts = 1; parts <= 5; ++parts) {
    for (int64_t items = 0; items <= 23; ++items) {
      int64_t next = 0;
      for (int64_t part = 0; part < parts; ++part) {
        const Slice s = batch_slice(items, parts, part);
        EXPECT_EQ(s.offset, next) << items << " over " << parts;
        EXPECT_LE(std::abs(s.count - items / parts), 1);
        next += s.count;
      }
      EXPECT_EQ(next, items);
    }
  }
  EXPECT_THROW_WITH(batch_slice(5, 2, 2), "part 2 of 2");
}

// The parts of the loaders of several ranks, put side by side, are the single loader's batches: the same
// samples, the same crops and flips, for dataset sizes that do not divide by the batch or the ranks.
TEST_F(LoaderTest, PartsOfEveryBatchTogetherAreTheSingleLoadersBatches) {
  for (const int64_t size : {7, 10, 13}) {
    const auto images = torch::randint(0, 256, {size, 12, 12, 3}, torch::kInt64).to(torch::kUInt8);
    const auto data = std::make_shared<TensorDataset>(images, torch::arange(size) % 4,
                                                      std::vector<std::string>{"a", "b", "c", "d"}, "random");
    TransformOptions t = small();
    t.scale = {0.3, 1.0};
    LoaderOptions options;
    options.batch = 4;
    options.seed = 5;
    options.threads = 2;
    for (const int64_t epoch_index : {0, 3}) {
      Loader single(data, t, options);
      const std::vector<Batch> whole = epoch(single, epoch_index);
      for (const int64_t parts : {2, 3, 5}) {
        std::vector<std::vector<Batch>> shares;
        for (int64_t part = 0; part < parts; ++part) {
          LoaderOptions o = options;
          o.parts = parts, o.part = part;
          Loader loader(data, t, o);
          shares.push_back(epoch(loader, epoch_index));
          ASSERT_EQ(shares.back().size(), whole.size()) << "every rank makes every step";
        }
        // Equal to the single loader's indices: the parts are disjoint and cover what it covers.
        for (size_t b = 0; b < whole.size(); ++b) {
          std::vector<torch::Tensor> pieces;
          std::vector<int64_t> indices;
          for (const auto& share : shares) {
            if (!share[b].images.defined()) continue;  // an empty part (fewer samples than ranks)
            pieces.push_back(share[b].images);
            indices.insert(indices.end(), share[b].indices.begin(), share[b].indices.end());
          }
          EXPECT_EQ(indices, whole[b].indices) << size << " images, " << parts << " parts, batch " << b;
          EXPECT_TRUE(torch::equal(torch::cat(pieces), whole[b].images)) << size << " images, " << parts << " parts";
        }
      }
    }
  }
}

TEST_F(LoaderTest, BadOptionsAreNamed) {
  LoaderOptions options;
  options.batch = 0;
  EXPECT_THROW_WITH(Loader(toy(), small(), options), "batch 0");
  options.batch = 5;
  options.parts = 2, options.part = 2;
  EXPECT_THROW_WITH(Loader(toy(), small(), options), "loader: part 2 of 2; expected 0 <= part < parts");
  options.parts = 1, options.part = 0;
  options.batch = 40;
  options.drop_last = true;
  EXPECT_THROW_WITH(Loader(toy(), small(), options), "expected at least one full batch");
}

}  // namespace
}  // namespace wavetwin::data
