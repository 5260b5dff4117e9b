// tests/data/tensor_io_test.cpp: tensor files exchanged with Python's torch.save / torch.load, bit-exact.
#include "wavetwin/data/tensor_io.h"

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

class TensorIoTest : public test::TempDirTest {};

TEST_F(TensorIoTest, RoundTripIsBitExact) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const torch::Tensor x = torch::randn({3, 5, 7}, dtype);
    save_tensor(dir_ + "/x.pt", x);
    EXPECT_TRUE(torch::equal(load_tensor(dir_ + "/x.pt"), x));
  }
}

TEST_F(TensorIoTest, PythonReadsAndWritesTheSameBits) {
  WAVETWIN_REQUIRE_PYTHON("torch");
  const torch::Tensor x = torch::randn({4, 6}, torch::kFloat64);
  save_tensor(dir_ + "/x.pt", x);
  std::string out;
  ASSERT_EQ(test::run_command(test::python() + " -c 'import torch; t = torch.load(\"" + dir_ + "/x.pt\"); torch.save(t * 2, \"" +
                                  dir_ + "/y.pt\")'",
                              &out),
            0)
      << out;
  EXPECT_TRUE(torch::equal(load_tensor(dir_ + "/y.pt"), x * 2));
}

TEST_F(TensorIoTest, DictsOfTensorsAreFlattenedInOrder) {
  WAVETWIN_REQUIRE_PYTHON("torch");
  std::string out;
  ASSERT_EQ(test::run_command(test::python() + " -c 'import torch, collections; torch.save({\"model\": {\"conv.weight\": "
                                  "torch.ones(2, 1, 3, 3), \"conv.bias\": torch.zeros(2)}, \"epoch\": 3, \"x\": torch.arange(4)}, \"" +
                                  dir_ + "/d.pt\"); torch.save(torch.nn.Conv2d(1, 2, 3).state_dict(), \"" + dir_ + "/sd.pt\")'",
                              &out),
            0)
      << out;
  const auto tensors = load_tensors(dir_ + "/d.pt");
  ASSERT_EQ(tensors.size(), 3u);
  EXPECT_EQ(tensors[0].first, "model.conv.weight");
  EXPECT_EQ(tensors[1].first, "model.conv.bias");
  EXPECT_EQ(tensors[2].first, "x");
  EXPECT_TRUE(torch::equal(tensors[0].second, torch::ones({2, 1, 3, 3})));
  save_tensor(dir_ + "/t.pt", torch::ones({2}));
  EXPECT_EQ(load_tensors(dir_ + "/t.pt").front().first, "");
  // Python's state_dict() is an OrderedDict, which libtorch 1.13 cannot unpickle: say so and how to fix it.
  EXPECT_THROW_WITH(load_tensors(dir_ + "/sd.pt"), "torch.save(dict(state_dict), PATH)");
}

TEST_F(TensorIoTest, BadFilesGiveAnErrorNamingTheFile) {
  std::ofstream(dir_ + "/garbage.pt") << "not a tensor";
  std::ofstream(dir_ + "/empty.pt");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/garbage.pt"), "garbage.pt: not a torch.save tensor file");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/empty.pt"), "empty.pt: empty file");
  EXPECT_THROW_WITH(load_tensor(dir_ + "/missing.pt"), "missing.pt: no such file");
}

}  // namespace
}  // namespace wavetwin::data
