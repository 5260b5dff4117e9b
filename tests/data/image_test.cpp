// tests/data/image_test.cpp: decoding against PIL, PIL-compatible resize, crops, PNG round trip, and
// clear errors on bad files.
#include "wavetwin/data/image.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "support/support.h"
#include "wavetwin/data/file.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

class ImageTest : public test::Seeded {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::temp_dir();
    if (test::python_has({"PIL", "torch", "numpy"})) test::run_python("tests/oracles/image.py", {"make", dir_});
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static void pil(const std::vector<std::string>& args) {
    std::string output;
    EXPECT_EQ(test::run_python("tests/oracles/image.py", args, &output), 0) << output;
  }

  static void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  static std::string dir_;
};

std::string ImageTest::dir_;

int64_t max_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kInt32) - b.to(torch::kInt32)).abs().max().item<int64_t>();
}

TEST_F(ImageTest, DecodesEveryKindLikePil) {
  WAVETWIN_REQUIRE_PYTHON("PIL", "torch", "numpy");
  const std::vector<std::string> names = {"gray.png", "rgb.png",  "rgba.png", "palette.png",
                                          "gray16.png", "gray.jpg", "rgb.jpg", "cmyk.jpg"};
  std::vector<std::string> args = {"decode"};
  for (const auto& name : names) args.push_back(dir_ + "/" + name);
  pil(args);
  for (const auto& name : names) {
    const std::string path = dir_ + "/" + name;
    const torch::Tensor ours = read_image(path);
    const torch::Tensor theirs = load_tensor(path + ".pt");
    ASSERT_EQ(ours.sizes(), theirs.sizes()) << name;
    EXPECT_EQ(ours.scalar_type(), torch::kUInt8);
    EXPECT_LE(max_difference(ours, theirs), name == "cmyk.jpg" ? 1 : 0) << name;
  }
}

TEST_F(ImageTest, ConvertsColourModes) {
  const torch::Tensor rgb = torch::randint(0, 256, {5, 7, 3}, torch::kUInt8);
  const torch::Tensor gray = convert_color(rgb, ColorMode::kGray);
  EXPECT_EQ(gray.sizes(), (std::vector<int64_t>{5, 7, 1}));
  const int r = rgb[2][3][0].item<int>(), g = rgb[2][3][1].item<int>(), b = rgb[2][3][2].item<int>();
  EXPECT_EQ(gray[2][3][0].item<int>(), (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
  EXPECT_EQ(convert_color(gray, ColorMode::kRgb).sizes(), (std::vector<int64_t>{5, 7, 3}));
  EXPECT_TRUE(torch::equal(convert_color(rgb, ColorMode::kAsStored), rgb));
  const torch::Tensor chw = to_float_chw(rgb);
  EXPECT_EQ(chw.sizes(), (std::vector<int64_t>{3, 5, 7}));
  EXPECT_NEAR(chw[0][2][3].item<double>(), r / 255.0, 1e-7);
  EXPECT_TRUE(torch::equal(to_uint8_hwc(chw), rgb));
}

TEST_F(ImageTest, ResizeMatchesPilBilinear) {
  WAVETWIN_REQUIRE_PYTHON("PIL", "torch", "numpy");
  const std::string natural = test::source_path("tests/fixtures/image/natural_gray.png");   // 97 x 131
  const std::string colour = test::source_path("tests/fixtures/image/natural_rgb.jpg");     // 61 x 77
  const std::vector<std::array<int64_t, 2>> sizes = {{48, 65}, {32, 32}, {224, 224}, {200, 301}, {97, 50},
                                                     {13, 131}, {1, 1}, {3, 2}, {61, 77}, {120, 9}};
  for (const std::string& path : {natural, colour}) {
    std::vector<std::string> args = {"resize", path, dir_ + "/resized"};
    for (const auto& [h, w] : sizes) args.insert(args.end(), {std::to_string(h), std::to_string(w)});
    pil(args);
    const torch::Tensor image = read_image(path);
    for (const auto& [h, w] : sizes) {
      const torch::Tensor ours = resize(image, h, w);
      const torch::Tensor theirs = load_tensor(dir_ + "/resized_" + std::to_string(h) + "x" + std::to_string(w) + ".pt");
      ASSERT_EQ(ours.sizes(), theirs.sizes());
      EXPECT_LE(max_difference(ours, theirs), 1) << path << " -> " << h << "x" << w;
    }
  }
}

TEST_F(ImageTest, ResizeShorterSideKeepsTheAspectRatio) {
  const torch::Tensor image = torch::zeros({97, 131, 1}, torch::kUInt8);
  EXPECT_EQ(resize_shorter(image, 32).sizes(), (std::vector<int64_t>{32, 43, 1}));
  EXPECT_EQ(resize_shorter(image.transpose(0, 1), 32).sizes(), (std::vector<int64_t>{43, 32, 1}));
}

TEST_F(ImageTest, CropsUseTorchvisionRounding) {
  const torch::Tensor image = torch::arange(57 * 57).view({57, 57, 1});
  EXPECT_EQ(center_crop(image, 55, 55)[0][0][0].item<int64_t>(), 57 + 1);                   // offset 1
  EXPECT_EQ(center_crop(torch::arange(28 * 28).view({28, 28, 1}), 27, 27)[0][0][0].item<int64_t>(), 0);  // 0.5 -> 0
  EXPECT_EQ(center_crop(torch::arange(114 * 114).view({114, 114, 1}), 109, 109)[0][0][0].item<int64_t>(),
            2 * 114 + 2);  // 2.5 -> 2
  EXPECT_EQ(crop(image, 3, 4, 5, 6).sizes(), (std::vector<int64_t>{5, 6, 1}));
  EXPECT_EQ(crop(image, 3, 4, 5, 6)[0][0][0].item<int64_t>(), 3 * 57 + 4);
  EXPECT_THROW_WITH(crop(image, 50, 0, 10, 10), "expected a window inside the image");
}

// At full scale a decoded window equals the same window of the whole decoded image, pixel for pixel (edges,
// interior, tiny and whole windows); PNGs are decoded whole and cropped.
TEST_F(ImageTest, WindowsEqualCropsOfTheWholeImage) {
  std::vector<std::string> files = {test::source_path("tests/fixtures/image/natural_rgb.jpg"),
                                    test::source_path("tests/fixtures/image/natural_gray.png")};
  const std::string sample = test::shared_dir() + "/datasets/imagenet-sample-1000.tar";
  const std::string dir = test::temp_dir();
  std::string out;
  if (!test::shared_dir().empty() && std::filesystem::exists(sample) &&
      test::run_command("tar -xf " + sample + " -C " + dir + " imagenet-sample/n01443537_goldfish.JPEG "
                        "imagenet-sample/n09472597_volcano.JPEG", &out) == 0) {
    files.push_back(dir + "/imagenet-sample/n01443537_goldfish.JPEG");
    files.push_back(dir + "/imagenet-sample/n09472597_volcano.JPEG");
  }
  for (const auto& file : files) {
    const torch::Tensor whole = read_image(file, ColorMode::kRgb);
    const int64_t h = whole.size(0), w = whole.size(1);
    const std::vector<CropBox> boxes = {{0, 0, h, w}, {0, 0, 1, 1}, {h - 5, w - 7, 5, 7}, {h / 3, w / 4, h / 2, w / 3},
                                        {17, 33, 9, 40}, {1, w / 2, h - 1, 3}};
    for (const CropBox& box : boxes) {
      const torch::Tensor window = read_image_window(file, ColorMode::kRgb, [&](int64_t hh, int64_t ww) {
        EXPECT_EQ(hh, h);
        EXPECT_EQ(ww, w);
        return box;
      }, 0);
      EXPECT_TRUE(torch::equal(window, crop(whole, box.top, box.left, box.height, box.width)))
          << file << " window " << box.height << "x" << box.width << " at " << box.top << "," << box.left;
    }
  }
  std::filesystem::remove_all(dir);
}

// With a minimum side, a JPEG window is decoded at the coarsest DCT scale keeping it that large: about half
// the size at 1/2, and close to the window of the image downscaled by 2.
TEST_F(ImageTest, ScaledWindowsAreSmallerAndClose) {
  const std::string file = test::source_path("tests/fixtures/image/natural_rgb.jpg");  // 61 x 77
  const CropBox box{4, 8, 48, 60};
  const auto choose = [&](int64_t, int64_t) { return box; };
  const torch::Tensor half = read_image_window(file, ColorMode::kRgb, choose, 20);
  EXPECT_EQ(half.sizes(), (std::vector<int64_t>{24, 30, 3}));
  const torch::Tensor reference = resize(crop(read_image(file, ColorMode::kRgb), 4, 8, 48, 60), 24, 30);
  const double mean_error = (half.to(torch::kFloat) - reference.to(torch::kFloat)).abs().mean().item<double>();
  EXPECT_LT(mean_error, 8.0);
  EXPECT_EQ(read_image_window(file, ColorMode::kRgb, choose, 25).sizes(), (std::vector<int64_t>{48, 60, 3}));
  EXPECT_EQ(read_image_window(file, ColorMode::kGray, choose, 12).sizes(), (std::vector<int64_t>{12, 15, 1}));
  EXPECT_THROW_WITH(read_image_window(file, ColorMode::kRgb, [](int64_t h, int64_t w) { return CropBox{1, 1, h, w}; }, 0),
                    "expected a window inside the image");
}

TEST_F(ImageTest, PngRoundTrip) {
  for (const int64_t c : {1, 3}) {
    const torch::Tensor image = torch::randint(0, 256, {19, 23, c}, torch::kUInt8);
    const std::string path = dir_ + "/round.png";
    write_png(path, image);
    EXPECT_TRUE(torch::equal(read_image(path), image));
  }
  EXPECT_THROW_WITH(write_png(dir_ + "/bad.png", torch::zeros({4, 4, 2})), "expected uint8 (H, W) or (H, W, C)");
}

TEST_F(ImageTest, BadFilesGiveAnErrorNamingTheFile) {
  const torch::Tensor image = torch::randint(0, 256, {40, 50, 3}, torch::kUInt8);
  write_png(dir_ + "/good.png", image);
  const std::vector<char> png = read_file(dir_ + "/good.png");
  write_bytes(dir_ + "/truncated.png", std::string(png.begin(), png.begin() + png.size() / 2));
  write_bytes(dir_ + "/garbage.jpg", std::string("\xFF\xD8\xFF") + std::string(300, '\x17'));
  write_bytes(dir_ + "/noise.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x'));
  write_bytes(dir_ + "/empty.jpg", "");
  write_bytes(dir_ + "/image.gif", "GIF89a...");
  EXPECT_THROW_WITH(read_image(dir_ + "/truncated.png"), "truncated.png: corrupt or truncated PNG");
  EXPECT_THROW_WITH(read_image(dir_ + "/garbage.jpg"), "garbage.jpg: corrupt JPEG");
  EXPECT_THROW_WITH(read_image(dir_ + "/noise.png"), "noise.png: corrupt");
  EXPECT_THROW_WITH(read_image(dir_ + "/empty.jpg"), "empty.jpg: empty file");
  EXPECT_THROW_WITH(read_image(dir_ + "/image.gif"), "image.gif: unsupported format");
  EXPECT_THROW_WITH(read_image(dir_ + "/missing.png"), "missing.png: no such file");
  if (std::filesystem::exists(dir_ + "/rgb.jpg")) {
    const std::vector<char> jpg = read_file(dir_ + "/rgb.jpg");
    write_bytes(dir_ + "/truncated.jpg", std::string(jpg.begin(), jpg.begin() + jpg.size() * 2 / 3));
    EXPECT_THROW_WITH(read_image(dir_ + "/truncated.jpg"), "truncated.jpg: truncated JPEG");
  }
}

// A few hundred bytes can declare 60000 x 60000 pixels: refused from the header, naming the file and the limit;
// within the limit, a file whose data ends early stops at the end of its data rather than making up the rest.
TEST_F(ImageTest, HugeDeclaredSizesAreRefusedBeforeDecoding) {
  std::vector<char> jpg = read_file(test::source_path("tests/fixtures/image/natural_rgb.jpg"));
  size_t sof = 2;
  while (sof + 9 < jpg.size() && !(static_cast<uint8_t>(jpg[sof]) == 0xFF && (static_cast<uint8_t>(jpg[sof + 1]) & 0xF0) == 0xC0 &&
                                   static_cast<uint8_t>(jpg[sof + 1]) != 0xC4)) {
    ++sof;
  }
  ASSERT_LT(sof + 9, jpg.size()) << "no SOF marker";
  const auto declare = [&](int height, int width) {
    std::vector<char> bytes = jpg;
    bytes[sof + 5] = static_cast<char>(height >> 8), bytes[sof + 6] = static_cast<char>(height & 0xFF);
    bytes[sof + 7] = static_cast<char>(width >> 8), bytes[sof + 8] = static_cast<char>(width & 0xFF);
    return bytes;
  };
  const std::vector<char> huge = declare(60000, 60000);
  EXPECT_THROW_WITH(decode_image(huge.data(), huge.size(), "huge.jpg"),
                    "huge.jpg: declares 60000 x 60000 pixels, over the limit of 178956970; expected a smaller image");
  // Allowed, but the file ends a few rows in: decoding stops there instead of making up 9000 rows.
  std::vector<char> large = declare(9000, 9000);
  large.resize(large.size() * 2 / 3);
  EXPECT_THROW_WITH(decode_image(large.data(), large.size(), "large.jpg"), "large.jpg: truncated JPEG");

  write_png(dir_ + "/small.png", torch::zeros({4, 4, 1}, torch::kUInt8));
  std::vector<char> png = read_file(dir_ + "/small.png");
  for (int i = 0; i < 2; ++i) {  // IHDR: width and height, big-endian, at bytes 16 and 20
    const uint32_t side = 100000;
    for (int b = 0; b < 4; ++b) png[16 + 4 * i + b] = static_cast<char>((side >> (24 - 8 * b)) & 0xFF);
  }
  const uint32_t crc = static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17));
  for (int b = 0; b < 4; ++b) png[29 + b] = static_cast<char>((crc >> (24 - 8 * b)) & 0xFF);
  EXPECT_THROW_WITH(decode_image(png.data(), png.size(), "huge.png"), "huge.png: declares 100000 x 100000 pixels");
  EXPECT_EQ(max_image_pixels(), 178956970);
}

TEST_F(ImageTest, FailedWriteKeepsTheExistingFile) {
  const std::string path = dir_ + "/keep.png";
  const torch::Tensor image = torch::randint(0, 256, {8, 8, 1}, torch::kUInt8);
  write_png(path, image);
  EXPECT_THROW_WITH(write_png(dir_ + "/no-such-dir/x.png", image), "cannot open for writing");
  EXPECT_TRUE(torch::equal(read_image(path), image));
}

}  // namespace
}  // namespace wavetwin::data
