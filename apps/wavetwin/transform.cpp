// apps/wavetwin/transform.cpp: `wavetwin transform`: DT-CWPT of an image or tensor, packets, mosaics, inverse.
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "wavetwin/data/file.h"
#include "wavetwin/data/image.h"
#include "wavetwin/data/tensor_io.h"
#include "wavetwin/error.h"
#include "wavetwin/wavelets/dtcwpt.h"
#include "wavetwin/wavelets/dtcwt.h"
#include "wavetwin/wavelets/packet.h"

namespace wavetwin::cli {
namespace {

struct TransformArgs {
  std::string input;
  int64_t depth = 2;
  int64_t stride = 0;
  std::string filters = "qshift_a";
  std::string padding = "zeros";
  bool full = false;
  bool gray = false;
  bool complex = false;
  bool inverse = false;
  bool dtcwt = false;
  std::string biort = "near_sym_a";
  std::string output;
  std::string mosaic;
};

bool has_image_signature(const std::vector<char>& bytes) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  return (bytes.size() >= 3 && byte(0) == 0xFF && byte(1) == 0xD8 && byte(2) == 0xFF) ||
         (bytes.size() >= 8 && std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0);
}

// (N, C, H, W) float input from an image file or a torch.save tensor of 2, 3 or 4 dimensions.
torch::Tensor load_input(const TransformArgs& args) {
  const std::vector<char> bytes = data::read_file(args.input);
  std::string extension = std::filesystem::path(args.input).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool named_image = extension == ".jpg" || extension == ".jpeg" || extension == ".png";
  if (has_image_signature(bytes) || named_image) {  // a broken image is named as such, not as a tensor file
    const auto mode = args.gray ? data::ColorMode::kGray : data::ColorMode::kAsStored;
    return data::to_float_chw(data::decode_image(bytes.data(), bytes.size(), args.input, mode)).unsqueeze(0);
  }
  torch::Tensor x = data::load_tensor(args.input);
  WAVETWIN_CHECK(x.dim() >= 2 && x.dim() <= 4, args.input, ": tensor of shape ", x.sizes(),
                 "; expected (H, W), (C, H, W) or (N, C, H, W)");
  while (x.dim() < 4) x = x.unsqueeze(0);
  if (!x.is_floating_point() || x.scalar_type() == torch::kFloat16 || x.scalar_type() == torch::kBFloat16) {
    x = x.to(torch::kFloat32);
  }
  WAVETWIN_CHECK(torch::isfinite(x).all().item<bool>(), args.input,
                 ": tensor contains NaN or infinity; expected finite values");
  return x;
}

// Moduli of one image channel's packets of one tree, tile (v, u) at block row v, block column u: the
// recursive quadrant layout of the reference's visualize_wavecoefs (low-pass tile zeroed).
torch::Tensor tree_mosaic(const torch::Tensor& y, int64_t channel, int64_t tree, int64_t levels) {
  const int64_t paths = int64_t{1} << levels, codes = paths * paths;
  const int64_t h = y.size(2), w = y.size(3);
  const int64_t gap = 1;
  torch::Tensor canvas = torch::zeros({paths * (h + gap) - gap, paths * (w + gap) - gap}, torch::kFloat32);
  const torch::Tensor z = wavelets::as_complex(y)[0];
  for (int64_t code = 1; code < codes; ++code) {
    const torch::Tensor modulus = z[channel * 2 * codes + tree * codes + code].abs();
    const int64_t v = wavelets::code_row_bits(code, levels), u = wavelets::code_col_bits(code, levels);
    canvas.narrow(0, v * (h + gap), h).narrow(1, u * (w + gap), w).copy_(modulus);
  }
  const double scale = std::max(torch::quantile(canvas.flatten(), 0.995).item<double>(), 1e-12);
  return canvas.div(scale).clamp(0, 1).mul(255).round().to(torch::kUInt8);
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void report_inverse(const torch::Tensor& x, const torch::Tensor& back) {
  const double err = (back - x).abs().max().item<double>();
  const double scale = std::max(x.abs().max().item<double>(), 1e-300);
  std::printf("inverse: max |x - x'| = %.3e (relative %.3e)\n", err, err / scale);
}

void run_dtcwt(const TransformArgs& args, const torch::Tensor& x) {
  const auto options = wavelets::DtcwtOptions(args.depth).biort(args.biort).qshift(args.filters);
  wavelets::Dtcwt2d transform(options);
  const auto start = std::chrono::steady_clock::now();
  const wavelets::DtcwtPyramid p = transform(x);
  const double ms = elapsed_ms(start);
  std::printf("dtcwt: %s -> lowpass %s (J=%lld, %s, %s) in %.1f ms\n", c10::str(x.sizes()).c_str(),
              c10::str(p.lowpass.sizes()).c_str(), static_cast<long long>(args.depth), args.biort.c_str(),
              args.filters.c_str(), ms);
  std::vector<std::pair<std::string, torch::Tensor>> named = {{"lowpass", p.lowpass}};
  for (size_t j = 0; j < p.highpasses.size(); ++j) {
    std::printf("  level %zu: highpass %s (6 orientations, real and imaginary)\n", j + 1,
                c10::str(p.highpasses[j].sizes()).c_str());
    named.emplace_back("highpass" + std::to_string(j), p.highpasses[j]);
  }
  if (!args.output.empty()) {
    data::save_tensors(args.output, named);
    std::printf("pyramid: %s (a dict: lowpass, highpass0 .. highpass%lld)\n", args.output.c_str(),
                static_cast<long long>(args.depth - 1));
  }
  if (args.inverse) {
    const torch::Tensor back = transform->inverse(p.lowpass, p.highpasses);
    report_inverse(x, back.narrow(2, 0, x.size(2)).narrow(3, 0, x.size(3)));
  }
}

void run_transform(const TransformArgs& args) {
  const torch::Tensor x = load_input(args);
  if (args.dtcwt) return run_dtcwt(args, x);
  const auto options = wavelets::DtCwptOptions(args.depth)
                           .stride(args.stride)
                           .filters(args.filters)
                           .padding(wavelets::parse_padding(args.padding))
                           .full(args.full)
                           .in_channels(x.size(1))
                           .complex(args.complex);
  if (args.inverse) wavelets::check_invertible(options, x.size(2), x.size(3));
  wavelets::DtCwpt2d transform(options);
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor y = transform(x);
  const double ms = elapsed_ms(start);
  std::printf("transform: %s -> %s (J=%lld, stride %lld, %s, %s padding%s) in %.1f ms\n",
              c10::str(x.sizes()).c_str(), c10::str(y.sizes()).c_str(), static_cast<long long>(args.depth),
              static_cast<long long>(args.stride == 0 ? int64_t{1} << args.depth : args.stride), args.filters.c_str(),
              args.padding.c_str(), args.full ? ", full" : "", ms);
  if (!args.output.empty()) {
    data::save_tensor(args.output, y);
    std::printf("packets: %s\n", args.output.c_str());
  }
  if (!args.mosaic.empty()) {
    const std::filesystem::path path(args.mosaic);
    const std::string stem = (path.parent_path() / path.stem()).string();
    for (int64_t c = 0; c < x.size(1); ++c) {
      for (int64_t tree = 0; tree < 2; ++tree) {
        const std::string name = stem + (x.size(1) > 1 ? "_c" + std::to_string(c) : "") + (tree == 0 ? "_psi_a" : "_psi_b") + ".png";
        data::write_png(name, tree_mosaic(y, c, tree, args.depth));
        std::printf("mosaic: %s\n", name.c_str());
      }
    }
  }
  if (args.inverse) {
    report_inverse(x, transform->inverse(y, x.size(2), x.size(3)));
  }
}

}  // namespace

Runner add_transform(CLI::App& app) {
  auto args = std::make_shared<TransformArgs>();
  CLI::App* sub = app.add_subcommand("transform", "DT-CWPT (or, with --dtcwt, DTCWT) of an image (PNG/JPEG) or a torch.save tensor");
  sub->add_option("input", args->input, "Image file or tensor file ((H, W), (C, H, W) or (N, C, H, W))")->required();
  sub->add_option("--depth,-J", args->depth, "Depth J >= 1 (with --dtcwt: levels)")->capture_default_str()->check(CLI::Range(1, 8));
  CLI::Option* stride =
      sub->add_option("--stride,-S", args->stride, "Overall stride, a power of two <= 2^J (0: 2^J)")->capture_default_str();
  sub->add_option("--filters", args->filters, "Q-shift bank")->capture_default_str();
  CLI::Option* padding =
      sub->add_option("--padding", args->padding, "zeros, symmetric, periodic or none")->capture_default_str();
  CLI::Option* full = sub->add_flag("--full", args->full, "With zeros: keep every coefficient overlapping the image (invertible)");
  sub->add_flag("--gray", args->gray, "Convert a colour image to grey first");
  CLI::Option* complex = sub->add_flag("--complex", args->complex, "Write complex packets instead of interleaved Re/Im channels");
  sub->add_option("--output,-o", args->output,
                  "Write the packets as a tensor file (torch.load reads it; with --dtcwt a dict of the pyramid)");
  CLI::Option* mosaic =
      sub->add_option("--mosaic", args->mosaic, "Write packet-modulus mosaics, one PNG per tree: STEM_psi_a.png, ...");
  CLI::Option* dtcwt = sub->add_flag("--dtcwt", args->dtcwt,
                                     "Kingsbury's DTCWT instead of the packets: --depth levels, --biort at level 1, "
                                     "--filters (Q-shift) above, symmetric extension");
  sub->add_option("--biort", args->biort, "With --dtcwt: level-1 biorthogonal bank")->capture_default_str()->needs(dtcwt);
  for (CLI::Option* packets_only : {stride, padding, full, complex, mosaic}) dtcwt->excludes(packets_only);
  sub->add_flag("--inverse", args->inverse, "Reconstruct the input and report the error");
  return [sub, args] {
    if (sub->parsed()) run_transform(*args);
  };
}

}  // namespace wavetwin::cli
