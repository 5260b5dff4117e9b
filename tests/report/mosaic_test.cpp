// tests/report/mosaic_test.cpp: tiles in a grid.
#include "wavetwin/report/mosaic.h"

#include "support/support.h"

namespace wavetwin::report {
namespace {

TEST(MosaicTest, LaysOutTilesWithGaps) {
  const torch::Tensor tiles = torch::arange(5 * 2 * 3, torch::kFloat64).view({5, 1, 2, 3});
  const torch::Tensor m = mosaic(tiles, TileScale::kEach, 2);
  // 5 tiles -> 3 columns, 2 rows of 4 x 6 tiles with 1-pixel gaps.
  EXPECT_EQ(m.sizes(), (std::vector<int64_t>{2 * 5 + 1, 3 * 7 + 1, 1}));
  EXPECT_EQ(m.scalar_type(), torch::kUInt8);
  EXPECT_EQ(m[0][0][0].item<int>(), 255);             // gap
  EXPECT_EQ(m[1][1][0].item<int>(), 0);               // tile 0's minimum, magnified
  EXPECT_EQ(m[2][2][0].item<int>(), 0);
  EXPECT_EQ(m[4][6][0].item<int>(), 255);             // tile 0's maximum (bottom right of its 4 x 6 block)
  EXPECT_EQ(m[6][1][0].item<int>(), 0);               // tile 3 (second row) starts at its own minimum
  EXPECT_EQ(m[8][20][0].item<int>(), 255);            // unused cell: blank
}

TEST(MosaicTest, SymmetricScaleKeepsZeroAtMidGrey) {
  const torch::Tensor tile = torch::tensor({-2.0, 0.0, 1.0}, torch::kFloat64).view({1, 1, 1, 3});
  const torch::Tensor m = mosaic(tile, TileScale::kSymmetric);
  EXPECT_EQ(m[1][1][0].item<int>(), 0);
  EXPECT_EQ(m[1][2][0].item<int>(), 128);
  EXPECT_EQ(m[1][3][0].item<int>(), 191);
}

TEST(MosaicTest, RgbTilesAndBadShapes) {
  EXPECT_EQ(mosaic(torch::rand({4, 3, 5, 5})).size(2), 3);
  EXPECT_THROW_WITH(mosaic(torch::rand({4, 2, 5, 5})), "expected (K, 1 or 3, h, w)");
  EXPECT_THROW_WITH(mosaic(torch::rand({1, 1, 5, 5}), TileScale::kEach, 0), "zoom 0");
}

}  // namespace
}  // namespace wavetwin::report
