// src/data/image.cpp: JPEG (libjpeg-turbo) and PNG (libpng) codecs, PIL-compatible resize, crops.
#include "wavetwin/data/image.h"

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "wavetwin/data/file.h"
#include "wavetwin/error.h"

namespace wavetwin::data {
namespace {

// libjpeg reports errors through a callback that must not return: jump back to the decoder.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

void jpeg_error_exit(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

// Warnings are not printed; the one that matters, data ending early, is recorded.
void jpeg_warning(j_common_ptr info, int level) {
  if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegError*>(info->err)->truncated = true;
}

int64_t configured_max_pixels() {
  const char* text = std::getenv("WAVETWIN_MAX_IMAGE_PIXELS");
  if (text == nullptr) return 178956970;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  WAVETWIN_CHECK(end != text && *end == '\0' && value > 0, "WAVETWIN_MAX_IMAGE_PIXELS=", text,
                 "; expected a positive number of pixels");
  return value;
}

void check_declared_size(const std::string& name, int64_t height, int64_t width) {
  WAVETWIN_CHECK(height * width <= max_image_pixels(), name, ": declares ", width, " x ", height, " pixels, over the limit of ",
                 max_image_pixels(), "; expected a smaller image (or a larger WAVETWIN_MAX_IMAGE_PIXELS)");
}

// With `choose`, only the window it picks, at the coarsest allowed DCT scale (see read_image_window).
torch::Tensor decode_jpeg(const unsigned char* data, size_t size, const std::string& name,
                          const WindowChooser* choose = nullptr, int64_t min_side = 0) {
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = jpeg_error_exit;
  error.manager.emit_message = jpeg_warning;
  // Nothing with a destructor may be created between setjmp and a possible longjmp, hence the vector here.
  std::vector<uint8_t> pixels;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    WAVETWIN_FAIL(name, ": corrupt JPEG (", error.message, ")");
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&info, JPEG_APP0 + 14, 0xffff);  // Adobe marker: inverted CMYK
  jpeg_read_header(&info, TRUE);
  if (static_cast<int64_t>(info.image_height) * info.image_width > max_image_pixels()) {
    jpeg_destroy_decompress(&info);
    check_declared_size(name, info.image_height, info.image_width);
  }
  const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
  info.out_color_space = cmyk ? JCS_CMYK : (info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB);
  CropBox box{0, 0, static_cast<int64_t>(info.image_height), static_cast<int64_t>(info.image_width)};
  int64_t scale = 1;
  if (choose) {
    try {
      box = (*choose)(info.image_height, info.image_width);
    } catch (...) {
      jpeg_destroy_decompress(&info);
      throw;
    }
    if (box.top < 0 || box.left < 0 || box.height < 1 || box.width < 1 ||
        box.top + box.height > static_cast<int64_t>(info.image_height) ||
        box.left + box.width > static_cast<int64_t>(info.image_width)) {
      jpeg_destroy_decompress(&info);
      WAVETWIN_FAIL(name, ": window ", box.height, "x", box.width, " at (", box.top, ", ", box.left, ") of a ",
                    info.image_height, "x", info.image_width, " image; expected a window inside the image");
    }
    while (min_side > 0 && scale < 8 && box.height / (2 * scale) >= min_side && box.width / (2 * scale) >= min_side) {
      scale *= 2;
    }
    info.scale_num = 1;
    info.scale_denom = static_cast<unsigned>(scale);
  }
  jpeg_start_decompress(&info);
  // The window on the scaled image: every scaled pixel that holds part of it.
  const int64_t out_h = info.output_height, out_w = info.output_width;
  const int64_t top = box.top / scale, left = box.left / scale;
  const int64_t bottom = std::min(out_h, (box.top + box.height + scale - 1) / scale);
  const int64_t right = std::min(out_w, (box.left + box.width + scale - 1) / scale);
  // Decoded with one iMCU of margin on every side: chroma upsampling treats the edges of a cropped or skipped
  // region as image edges, which would change the pixels next to them.
  const int64_t margin_w = info.max_h_samp_factor * info.min_DCT_scaled_size;
  const int64_t margin_h = info.max_v_samp_factor * info.min_DCT_scaled_size;
  const int64_t first_row = std::max<int64_t>(0, top - margin_h), end_row = std::min(out_h, bottom + margin_h);
  const int64_t first_col = std::max<int64_t>(0, left - margin_w), end_col = std::min(out_w, right + margin_w);
  JDIMENSION x_offset = static_cast<JDIMENSION>(first_col), x_width = static_cast<JDIMENSION>(end_col - first_col);
  if (first_col > 0 || end_col < out_w) jpeg_crop_scanline(&info, &x_offset, &x_width);  // widened to iMCU columns
  if (first_row > 0) jpeg_skip_scanlines(&info, static_cast<JDIMENSION>(first_row));
  const int64_t w = info.output_width, c = info.output_components;
  try {
    pixels.resize(static_cast<size_t>(end_row - first_row) * w * c);
  } catch (const std::bad_alloc&) {
    jpeg_destroy_decompress(&info);
    WAVETWIN_FAIL(name, ": out of memory for its ", w, " x ", end_row - first_row, " pixels; expected more free memory");
  }
  uint8_t* out = pixels.data();
  for (int64_t row_index = 0; row_index < end_row - first_row; ++row_index) {
    JSAMPROW row = out + row_index * w * c;
    jpeg_read_scanlines(&info, &row, 1);
    if (error.truncated) break;  // the rest would be made up: stop now (a small file may declare a huge image)
  }
  bool adobe = false;
  for (jpeg_saved_marker_ptr m = info.marker_list; m != nullptr; m = m->next) {
    adobe = adobe || (m->marker == JPEG_APP0 + 14 && m->data_length >= 5 && std::memcmp(m->data, "Adobe", 5) == 0);
  }
  // Rows below the window are never decoded.
  if (end_row == out_h && !error.truncated) {
    jpeg_finish_decompress(&info);
  } else {
    jpeg_abort_decompress(&info);
  }
  jpeg_destroy_decompress(&info);
  const int64_t h = bottom - top;
  const torch::Tensor raw = torch::from_blob(pixels.data(), {end_row - first_row, w, c}, torch::kUInt8)
                                .narrow(0, top - first_row, h)
                                .narrow(1, left - static_cast<int64_t>(x_offset), right - left)
                                .clone();
  WAVETWIN_CHECK(!error.truncated, name, ": truncated JPEG (data ends before the last scanline)");
  if (!cmyk) return raw;
  // CMYK -> RGB as PIL: Adobe files store inverted ink values.
  const int64_t rw = raw.size(1);  // raw is contiguous (a clone)
  torch::Tensor image = torch::empty({h, rw, 3}, torch::kUInt8);
  const uint8_t* src = raw.data_ptr<uint8_t>();
  uint8_t* dst = image.data_ptr<uint8_t>();
  for (int64_t i = 0; i < h * rw; ++i) {
    const int k = adobe ? src[4 * i + 3] : 255 - src[4 * i + 3];
    for (int ch = 0; ch < 3; ++ch) {
      const int ink = adobe ? src[4 * i + ch] : 255 - src[4 * i + ch];
      dst[3 * i + ch] = static_cast<uint8_t>((ink * k + 127) / 255);
    }
  }
  return image;
}

torch::Tensor decode_png(const unsigned char* data, size_t size, const std::string& name) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  WAVETWIN_CHECK(png_image_begin_read_from_memory(&png, data, size) != 0, name, ": corrupt PNG (", png.message, ")");
  if (static_cast<int64_t>(png.height) * png.width > max_image_pixels()) {
    png_image_free(&png);
    check_declared_size(name, png.height, png.width);
  }
  const bool gray = (png.format & PNG_FORMAT_FLAG_COLOR) == 0;
  const bool alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  // 16-bit files are read as they are (libpng's "linear" format, no gamma conversion) and scaled to 8 bits
  // below; alpha is read and dropped (as PIL's convert("RGB")), never composited.
  const bool wide = (png.format & PNG_FORMAT_FLAG_LINEAR) != 0;
  png.format = (gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB) | (alpha ? PNG_FORMAT_FLAG_ALPHA : 0) |
               (wide ? PNG_FORMAT_FLAG_LINEAR : 0);
  const int64_t c = (gray ? 1 : 3) + (alpha ? 1 : 0);
  torch::Tensor image;
  try {
    image = torch::empty({png.height, png.width, c}, wide ? torch::kInt16 : torch::kUInt8);
  } catch (const c10::Error&) {
    png_image_free(&png);
    WAVETWIN_FAIL(name, ": out of memory for its ", png.width, " x ", png.height, " pixels; expected more free memory");
  }
  const int ok = png_image_finish_read(&png, nullptr, image.data_ptr(), 0, nullptr);
  const std::string message = png.message;
  png_image_free(&png);
  WAVETWIN_CHECK(ok != 0, name, ": corrupt or truncated PNG (", message, ")");
  if (wide) image = image.to(torch::kInt32).bitwise_and(0xFFFF).add(128).floor_divide(257).to(torch::kUInt8);
  return alpha ? image.narrow(2, 0, c - 1).contiguous() : image;
}

// PIL's fixed-point resampling (Pillow libImaging/Resample.c, bilinear): 22 fractional bits.
constexpr int kPrecisionBits = 32 - 8 - 2;

struct Coefficients {
  std::vector<int64_t> start, count;
  std::vector<int32_t> weight;  // count.size() rows of `width` entries
  int64_t width = 0;
};

Coefficients bilinear_coefficients(int64_t in_size, int64_t out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;
  Coefficients c;
  c.width = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  c.weight.assign(out_size * c.width, 0);
  std::vector<double> k(c.width);
  for (int64_t x = 0; x < out_size; ++x) {
    const double center = (x + 0.5) * scale;
    int64_t xmin = static_cast<int64_t>(center - support + 0.5);
    xmin = std::max<int64_t>(xmin, 0);
    int64_t xmax = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in_size) - xmin;
    double total = 0;
    for (int64_t i = 0; i < xmax; ++i) {
      const double t = std::abs((i + xmin - center + 0.5) / filter_scale);
      k[i] = t < 1.0 ? 1.0 - t : 0.0;
      total += k[i];
    }
    for (int64_t i = 0; i < xmax; ++i) {
      const double w = total != 0 ? k[i] / total : 0.0;
      c.weight[x * c.width + i] = static_cast<int32_t>(w < 0 ? -0.5 + w * (1 << kPrecisionBits)
                                                             : 0.5 + w * (1 << kPrecisionBits));
    }
    c.start.push_back(xmin);
    c.count.push_back(xmax);
  }
  return c;
}

inline uint8_t clip8(int32_t value) {
  const int32_t v = value >> kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// Resamples axis `axis` (0 = rows, 1 = columns) of a contiguous uint8 (H, W, C) image.
torch::Tensor resample_axis(const torch::Tensor& image, int64_t out_size, int axis) {
  const int64_t h = image.size(0), w = image.size(1), ch = image.size(2);
  const int64_t in_size = axis == 0 ? h : w;
  const Coefficients c = bilinear_coefficients(in_size, out_size);
  torch::Tensor out = torch::empty({axis == 0 ? out_size : h, axis == 0 ? w : out_size, ch}, torch::kUInt8);
  const uint8_t* src = image.data_ptr<uint8_t>();
  uint8_t* dst = out.data_ptr<uint8_t>();
  // Sums fit in 32 bits (255 * 2^kPrecisionBits < 2^31), as in PIL, so the results are PIL's exactly.
  if (axis == 0) {
    // Down the columns, a whole row at a time: contiguous, vectorised loops.
    const int64_t row = w * ch;
    std::vector<int32_t> acc(row);
    for (int64_t x = 0; x < out_size; ++x) {
      const int32_t* k = c.weight.data() + x * c.width;
      std::fill(acc.begin(), acc.end(), int32_t{1} << (kPrecisionBits - 1));
      for (int64_t i = 0; i < c.count[x]; ++i) {
        const uint8_t* s = src + (c.start[x] + i) * row;
        const int32_t weight = k[i];
        for (int64_t j = 0; j < row; ++j) acc[j] += static_cast<int32_t>(s[j]) * weight;
      }
      for (int64_t j = 0; j < row; ++j) dst[x * row + j] = clip8(acc[j]);
    }
    return out;
  }
  for (int64_t line = 0; line < h; ++line) {
    const uint8_t* in_line = src + line * w * ch;
    uint8_t* out_line = dst + line * out_size * ch;
    for (int64_t x = 0; x < out_size; ++x) {
      const int32_t* k = c.weight.data() + x * c.width;
      const uint8_t* s = in_line + c.start[x] * ch;
      if (ch == 3) {
        int32_t r = int32_t{1} << (kPrecisionBits - 1), g = r, bl = r;
        for (int64_t i = 0; i < c.count[x]; ++i) {
          r += static_cast<int32_t>(s[3 * i]) * k[i];
          g += static_cast<int32_t>(s[3 * i + 1]) * k[i];
          bl += static_cast<int32_t>(s[3 * i + 2]) * k[i];
        }
        out_line[3 * x] = clip8(r), out_line[3 * x + 1] = clip8(g), out_line[3 * x + 2] = clip8(bl);
        continue;
      }
      for (int64_t b = 0; b < ch; ++b) {
        int32_t acc = int32_t{1} << (kPrecisionBits - 1);
        for (int64_t i = 0; i < c.count[x]; ++i) acc += static_cast<int32_t>(s[i * ch + b]) * k[i];
        out_line[x * ch + b] = clip8(acc);
      }
    }
  }
  return out;
}

void check_image(const torch::Tensor& image, const char* where) {
  WAVETWIN_CHECK(image.dim() == 3 && image.scalar_type() == torch::kUInt8 && (image.size(2) == 1 || image.size(2) == 3),
                 where, ": image of shape ", image.sizes(), " and dtype ", image.scalar_type(),
                 "; expected uint8 (H, W, C) with C = 1 or 3");
}

}  // namespace

torch::Tensor decode_image(const void* data, size_t size, const std::string& name, ColorMode mode) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  WAVETWIN_CHECK(size > 0, name, ": empty file; expected a JPEG or PNG image");
  torch::Tensor image;
  if (size >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    image = decode_jpeg(bytes, size, name);
  } else if (size >= 8 && std::memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0) {
    image = decode_png(bytes, size, name);
  } else {
    WAVETWIN_FAIL(name, ": unsupported format (unrecognised signature); expected a JPEG or PNG image");
  }
  return convert_color(image, mode);
}

torch::Tensor read_image(const std::string& path, ColorMode mode) {
  const std::vector<char> bytes = read_file(path);
  return decode_image(bytes.data(), bytes.size(), path, mode);
}

torch::Tensor read_image_window(const std::string& path, ColorMode mode, const WindowChooser& choose,
                                int64_t min_side) {
  const std::vector<char> bytes = read_file(path);
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
    return convert_color(decode_jpeg(data, bytes.size(), path, &choose, min_side), mode);
  }
  const torch::Tensor image = decode_image(bytes.data(), bytes.size(), path, mode);
  const CropBox box = choose(image.size(0), image.size(1));
  return crop(image, box.top, box.left, box.height, box.width);
}

torch::Tensor convert_color(const torch::Tensor& image, ColorMode mode) {
  check_image(image, "convert_color");
  const int64_t c = image.size(2);
  if (mode == ColorMode::kAsStored || (mode == ColorMode::kGray && c == 1) || (mode == ColorMode::kRgb && c == 3)) {
    return image;
  }
  if (mode == ColorMode::kRgb) return image.expand({image.size(0), image.size(1), 3}).contiguous();
  // PIL "L": (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16.
  const torch::Tensor rgb = image.to(torch::kInt32);
  const torch::Tensor l = (rgb.select(2, 0) * 19595 + rgb.select(2, 1) * 38470 + rgb.select(2, 2) * 7471 + 0x8000)
                              .floor_divide(65536);
  return l.to(torch::kUInt8).unsqueeze(2).contiguous();
}

void write_png(const std::string& path, const torch::Tensor& image_in) {
  torch::Tensor image = image_in.dim() == 2 ? image_in.unsqueeze(2) : image_in;
  WAVETWIN_CHECK(image.dim() == 3 && image.scalar_type() == torch::kUInt8 &&
                     (image.size(2) == 1 || image.size(2) == 3 || image.size(2) == 4),
                 path, ": cannot write image of shape ", image_in.sizes(), " and dtype ", image_in.scalar_type(),
                 "; expected uint8 (H, W) or (H, W, C) with C in {1, 3, 4}");
  image = image.cpu().contiguous();
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.size(1));
  png.height = static_cast<png_uint_32>(image.size(0));
  const int64_t c = image.size(2);
  png.format = c == 1 ? PNG_FORMAT_GRAY : (c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA);
  png_alloc_size_t size = 0;
  WAVETWIN_CHECK(png_image_write_to_memory(&png, nullptr, &size, 0, image.data_ptr<uint8_t>(), 0, nullptr) != 0,
                 path, ": PNG encoding failed (", png.message, ")");
  std::vector<unsigned char> bytes(size);
  WAVETWIN_CHECK(png_image_write_to_memory(&png, bytes.data(), &size, 0, image.data_ptr<uint8_t>(), 0, nullptr) != 0,
                 path, ": PNG encoding failed (", png.message, ")");
  write_file_atomic(path, bytes.data(), size);
}

torch::Tensor to_float_chw(const torch::Tensor& image) {
  check_image(image, "to_float_chw");
  return image.permute({2, 0, 1}).to(torch::kFloat32).div(255.0).contiguous();
}

torch::Tensor to_uint8_hwc(const torch::Tensor& image) {
  WAVETWIN_CHECK(image.dim() == 3, "to_uint8_hwc: image of shape ", image.sizes(), "; expected (C, H, W)");
  return image.mul(255.0).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

int64_t max_image_pixels() {
  static const int64_t limit = configured_max_pixels();
  return limit;
}

torch::Tensor resize(const torch::Tensor& image, int64_t height, int64_t width) {
  check_image(image, "resize");
  WAVETWIN_CHECK(height >= 1 && width >= 1, "resize: target ", height, "x", width, "; expected positive sizes");
  torch::Tensor out = image.cpu().contiguous();
  // Horizontal pass first, then vertical, each rounded to uint8, as PIL does.
  if (width != out.size(1)) out = resample_axis(out, width, 1);
  if (height != out.size(0)) out = resample_axis(out, height, 0);
  return out;
}

torch::Tensor resize_shorter(const torch::Tensor& image, int64_t size) {
  check_image(image, "resize_shorter");
  const int64_t h = image.size(0), w = image.size(1);
  if (h <= w) return resize(image, size, static_cast<int64_t>(size * w / h));
  return resize(image, static_cast<int64_t>(size * h / w), size);
}

torch::Tensor crop(const torch::Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width) {
  WAVETWIN_CHECK(image.dim() == 3, "crop: image of shape ", image.sizes(), "; expected (H, W, C)");
  WAVETWIN_CHECK(top >= 0 && left >= 0 && height >= 1 && width >= 1 && top + height <= image.size(0) &&
                     left + width <= image.size(1),
                 "crop: window ", height, "x", width, " at (", top, ", ", left, ") of a ", image.size(0), "x",
                 image.size(1), " image; expected a window inside the image");
  return image.narrow(0, top, height).narrow(1, left, width);
}

torch::Tensor center_crop(const torch::Tensor& image, int64_t height, int64_t width) {
  WAVETWIN_CHECK(image.dim() == 3, "center_crop: image of shape ", image.sizes(), "; expected (H, W, C)");
  const auto offset = [](int64_t from, int64_t to) {
    return static_cast<int64_t>(std::nearbyint((from - to) / 2.0));  // ties to even, as Python's round
  };
  return crop(image, offset(image.size(0), height), offset(image.size(1), width), height, width);
}

}  // namespace wavetwin::data
