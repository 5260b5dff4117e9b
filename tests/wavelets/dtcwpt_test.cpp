// tests/wavelets/dtcwpt_test.cpp: the 2-D and 1-D DT-CWPT against the reference test vectors, the numpy
// oracle, the separable path, identities (adjoint, perfect reconstruction), gradients and errors.
#include "wavetwin/wavelets/dtcwpt.h"

#include <fstream>
#include <sstream>

#include "support/support.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::wavelets {
namespace {

using test::kTolFloat32;
using test::kTolFloat64;
using test::relative_error;

class DtCwptTest : public test::Seeded {};

torch::Tensor filters64() { return dual_tree_filter_tensor("qshift_a"); }

// The reference test vectors' input: x[r, c] = sin(0.3 r + 0.1) cos(0.7 c) + ((31 r + 17 c) mod 13) / 13.
torch::Tensor vector_input(int64_t h, int64_t w) {
  torch::Tensor x = torch::empty({1, 1, h, w}, torch::kFloat64);
  auto a = x.accessor<double, 4>();
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) a[0][0][r][c] = std::sin(0.3 * r + 0.1) * std::cos(0.7 * c) + ((31 * r + 17 * c) % 13) / 13.0;
  }
  return x;
}

// Minimal reader of the test-vector JSON: the numbers of array `key` in the case starting at `from`.
std::vector<double> json_array(const std::string& text, size_t from, const std::string& key) {
  const size_t at = text.find("\"" + key + "\"", from);
  const size_t open = text.find('[', at), close = text.find(']', open);
  std::stringstream in(text.substr(open + 1, close - open - 1));
  std::vector<double> values;
  std::string item;
  while (std::getline(in, item, ',')) values.push_back(std::stod(item));
  return values;
}

TEST_F(DtCwptTest, MatchesReferenceTestVectors) {
  const std::string shared = test::shared_dir();
  if (shared.empty()) GTEST_SKIP() << "../shared/testvectors is absent";
  std::ifstream file(shared + "/testvectors/dtcwpt-reference.json");
  ASSERT_TRUE(file.good());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  size_t pos = text.find("\"cases\"");
  int cases = 0;
  while ((pos = text.find("\"J\"", pos + 1)) != std::string::npos) {
    const auto ints = [&](const std::string& key) {
      const size_t at = text.find("\"" + key + "\"", pos);
      return std::stoll(text.substr(text.find(':', at) + 1));
    };
    const int64_t levels = ints("J"), stride = ints("stride"), h = ints("H"), w = ints("W");
    EXPECT_EQ(reference_padding(levels, stride, 10), ints("padding"));
    const torch::Tensor y = dtcwpt2d(vector_input(h, w), filters64(), DtCwptOptions(levels).stride(stride))[0];
    const auto sums = json_array(text, pos, "sum"), sumsq = json_array(text, pos, "sumsq"),
               vals = json_array(text, pos, "val_3_5");
    ASSERT_EQ(static_cast<int64_t>(sums.size()), y.size(0));
    for (int64_t ch = 0; ch < y.size(0); ++ch) {
      EXPECT_NEAR(y[ch].sum().item<double>(), sums[ch], 1e-9 * std::max(1.0, std::abs(sums[ch]))) << "channel " << ch;
      EXPECT_NEAR(y[ch].square().sum().item<double>(), sumsq[ch], 1e-9 * std::max(1.0, sumsq[ch])) << "channel " << ch;
      EXPECT_NEAR(y[ch][3][5].item<double>(), vals[ch], 1e-9) << "channel " << ch;
    }
    ++cases;
  }
  EXPECT_EQ(cases, 3);
}

}  // namespace
}  // namespace wavetwin::wavelets
