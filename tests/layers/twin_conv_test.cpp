// tests/layers/twin_conv_test.cpp: the twin first layer against the reference's way of computing it (full
// stride-S transform, selection, mixing loops, crops, decimation), its equivalent kernel, shapes and parameter
// counts; the split pooling.
#include "wavetwin/layers/twin_conv.h"

#include "support/support.h"
#include "wavetwin/layers/split_pool.h"
#include "wavetwin/wavelets/dtcwpt.h"

namespace wavetwin::layers {
namespace {

class TwinConvTest : public test::Seeded {};

int64_t trainable(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.requires_grad() ? p.numel() : 0;
  return n;
}

// The reference's computation: complex packets at stride S with zero padding P, selected, mixed by loops,
// centre-cropped to the free maps, real part (RMax) or decimated by d from index 0 (CMod).
torch::Tensor reference_wavelet(TwinConv& twin, const torch::Tensor& x, int64_t free_h, int64_t free_w) {
  const auto& o = twin->options;
  const torch::Tensor lum = twin->colormix ? twin->colormix(x) : x;
  const torch::Tensor z = wavelets::dtcwpt2d(lum, twin->filters.to(x.scalar_type()),
                                             wavelets::DtCwptOptions(o.levels()).stride(o.stride()));
  const int64_t n = x.size(0), h = z.size(2), w = z.size(3);
  const torch::Tensor packets = z.view({n, -1, 2, h, w});
  std::vector<torch::Tensor> outputs;
  int64_t at = 0;
  for (size_t s = 0; s < o.sections().size(); ++s) {
    const auto sec = o.sections()[s];
    const torch::Tensor weight = twin->featmapmix[s]->weight.squeeze(2);
    for (int64_t out = 0; out < sec.out; ++out) {
      const int64_t group = out / (sec.out / sec.groups), per = sec.in / sec.groups;
      torch::Tensor sum = torch::zeros({n, 2, h, w}, x.options());
      for (int64_t i = 0; i < per; ++i) {
        sum = sum + weight[out][i] * packets.select(1, o.packets()[at + group * per + i]);
      }
      if (o.mix_bias()) sum = sum + twin->featmapmix[s]->bias[out];
      outputs.push_back(sum);
    }
    at += sec.in;
  }
  torch::Tensor mixed = torch::stack(outputs, 1);  // (N, L, 2, h, w)
  mixed = mixed.narrow(3, center_offset(h, free_h), free_h).narrow(4, center_offset(w, free_w), free_w);
  if (o.pooling() == TwinPooling::kRMax) return mixed.select(2, 0);
  const int64_t d = o.decimation();
  return mixed.slice(3, 0, c10::nullopt, d).slice(4, 0, c10::nullopt, d).flatten(1, 2);
}

TEST_F(TwinConvTest, CentreOffsetsRoundHalfToEven) {
  EXPECT_EQ(center_offset(57, 55), 1);
  EXPECT_EQ(center_offset(28, 27), 0);
  EXPECT_EQ(center_offset(114, 109), 2);
  EXPECT_EQ(center_offset(10, 3), 4);  // 3.5 -> 4
  EXPECT_EQ(center_offset(112, 112), 0);
}

// Shapes of reference-system.md 5.5 and the first-layer parameter counts of 4.3.
TEST_F(TwinConvTest, ShapesAndParameterCountsOfTheReferenceTwins) {
  torch::NoGradGuard no_grad;
  struct Case {
    TwinConvOptions options;
    int64_t size, free_size, wavelet_channels, wavelet_size, parameters;
  };
  const std::vector<Case> cases = {
      {TwinConvOptions::resnet(), 224, 112, 24, 112, 5907},
      {TwinConvOptions::resnet().pooling(TwinPooling::kCMod), 224, 112, 48, 56, 5907},
      {TwinConvOptions::resnet().pooling(TwinPooling::kCMod), 32, 16, 48, 8, 5907},
      {TwinConvOptions::alexnet(), 224, 55, 32, 55, 11889},
      {TwinConvOptions::alexnet().pooling(TwinPooling::kCMod).mix_bias(false), 224, 55, 64, 28, 11857},
      {TwinConvOptions::alexnet(2), 224, 109, 32, 109, 11889},
      {TwinConvOptions::alexnet(2).pooling(TwinPooling::kCMod).mix_bias(false), 224, 109, 64, 28, 11857},
  };
  for (const auto& c : cases) {
    TwinConv twin(c.options);
    const TwinOutput y = twin(torch::rand({1, 3, c.size, c.size}));
    EXPECT_EQ(y.free.sizes(), (std::vector<int64_t>{1, c.options.free_channels(), c.free_size, c.free_size}));
    EXPECT_EQ(y.wavelet.sizes(), (std::vector<int64_t>{1, c.wavelet_channels, c.wavelet_size, c.wavelet_size}));
    EXPECT_EQ(trainable(*twin), c.parameters);
  }
}

// Computed directly on the kept samples, the layer equals the reference's computation (float64, 1e-10), for
// RMax and CMod, ResNet and both AlexNet twins, RGB and grey inputs, odd and non-square sizes, batch 1 and 2.
TEST_F(TwinConvTest, EqualsTheReferenceComputation) {
  struct Case {
    TwinConvOptions options;
    int64_t n, h, w;
  };
  const std::vector<Case> cases = {
      {TwinConvOptions::resnet(), 2, 37, 50},
      {TwinConvOptions::resnet().pooling(TwinPooling::kCMod), 1, 45, 32},
      {TwinConvOptions::resnet().in_channels(1).pooling(TwinPooling::kCMod), 2, 33, 33},
      {TwinConvOptions::alexnet(), 1, 67, 72},
      {TwinConvOptions::alexnet().pooling(TwinPooling::kCMod).mix_bias(false), 2, 71, 64},
      {TwinConvOptions::alexnet(2).pooling(TwinPooling::kCMod), 1, 63, 66},
  };
  for (const auto& c : cases) {
    TwinConv twin(c.options);
    twin->to(torch::kFloat64);
    const torch::Tensor x = torch::rand({c.n, c.options.in_channels(), c.h, c.w}, torch::kFloat64);
    const TwinOutput y = twin(x);
    const torch::Tensor expected = reference_wavelet(twin, x, y.free.size(2), y.free.size(3));
    ASSERT_EQ(y.wavelet.sizes(), expected.sizes());
    EXPECT_LT(test::relative_error(y.wavelet, expected), test::kTolFloat64) << c.options.levels();
  }
}

// The gradients of every parameter (free convolution, colour mix, mixing weights and biases) equal those of
// the reference's computation (float64, 1e-10): the gather-and-scale path of single-packet outputs (ResNet)
// and the dense mixing path (AlexNet), RMax and CMod, with a mixing bias and without.
TEST_F(TwinConvTest, GradientsEqualTheReferenceComputation) {
  const std::vector<TwinConvOptions> cases = {
      TwinConvOptions::resnet(), TwinConvOptions::resnet().pooling(TwinPooling::kCMod).mix_bias(true),
      TwinConvOptions::resnet().in_channels(1), TwinConvOptions::alexnet(),
      TwinConvOptions::alexnet().pooling(TwinPooling::kCMod).mix_bias(false)};
  for (const auto& options : cases) {
    TwinConv twin(options);
    twin->to(torch::kFloat64);
    const torch::Tensor x = torch::rand({3, options.in_channels(), 41, 38}, torch::kFloat64);
    const TwinOutput y = twin(x);
    const torch::Tensor probe = torch::randn_like(y.wavelet);
    const auto params = twin->parameters();
    const auto gradients = [&](const torch::Tensor& maps) {
      return torch::autograd::grad({(maps * probe).sum()}, params, {}, c10::nullopt, false, /*allow_unused=*/true);
    };
    const auto ours = gradients(y.wavelet);
    const auto expected = gradients(reference_wavelet(twin, x, y.free.size(2), y.free.size(3)));
    for (size_t i = 0; i < params.size(); ++i) {
      ASSERT_EQ(ours[i].defined(), expected[i].defined());
      if (!expected[i].defined()) continue;  // the free convolution is not on the wavelet path
      EXPECT_LT(test::relative_error(ours[i], expected[i]), test::kTolFloat64) << twin->named_parameters().keys()[i];
    }
  }
}

// The equivalent kernel applied by conv2d to the zero-padded input gives the uncropped stride-S maps.
TEST_F(TwinConvTest, EquivalentKernelReproducesTheWaveletPath) {
  for (const auto& options : {TwinConvOptions::resnet(), TwinConvOptions::alexnet()}) {
    TwinConv twin(options);
    twin->to(torch::kFloat64);
    const torch::Tensor x = torch::rand({1, 3, 61, 58}, torch::kFloat64);
    const auto k = twin->equivalent_kernel();
    EXPECT_EQ(k.weight.size(0), twin->wavelet_channels());
    const torch::Tensor full = torch::conv2d(torch::constant_pad_nd(x, {k.padding, k.padding, k.padding, k.padding}),
                                             torch::real(k.weight), k.bias, k.stride);
    const TwinOutput y = twin(x);
    const torch::Tensor expected = full.narrow(2, center_offset(full.size(2), y.free.size(2)), y.free.size(2))
                                       .narrow(3, center_offset(full.size(3), y.free.size(3)), y.free.size(3));
    EXPECT_LT(test::relative_error(y.wavelet, expected), 1e-10);
  }
}

TEST_F(TwinConvTest, SelectionPenaltyIsZeroForOnePacketPerOutput) {
  TwinConv twin(TwinConvOptions::alexnet());
  torch::NoGradGuard no_grad;
  for (auto& mix : twin->featmapmix) {
    mix->weight.zero_();
    mix->weight.select(1, 0).fill_(0.7);
  }
  EXPECT_NEAR(twin->selection_penalty({0, 0.0041, 0.00032}).item<double>(), 0.0, 1e-12);
  twin->featmapmix[2]->weight[0].fill_(-0.5);  // 16 equal weights: ||w||_1 / ||w||_inf - 1 = 15
  EXPECT_NEAR(twin->selection_penalty({0, 0.0041, 0.00032}).item<double>(), 0.00032 * 15, 1e-9);
  EXPECT_THROW_WITH(twin->selection_penalty({1.0}), "1 lambdas for 3 mixing sections");
}

TEST_F(TwinConvTest, BadOptionsAreNamed) {
  EXPECT_THROW_WITH(TwinConv(TwinConvOptions::resnet().sections({{6, 12, 6}})), "sections read 6 packets; expected all 16");
  EXPECT_THROW_WITH(TwinConv(TwinConvOptions::resnet().packets({0, 1, 99, 3, 4, 5}).sections({{6, 6, 6}})),
                    "packet 99; expected 0 <= P < 32");
  EXPECT_THROW_WITH(TwinConv(TwinConvOptions::resnet().stride(3)), "expected a power of two <= 2^levels");
  EXPECT_THROW_WITH(TwinConv(TwinConvOptions::resnet().pooling(TwinPooling::kCMod).decimation(4)),
                    "CMod at stride 2 x 4 exceeds 2^levels = 4");
  TwinConv twin(TwinConvOptions::resnet());
  EXPECT_THROW_WITH(twin(torch::rand({1, 1, 32, 32})), "expected (N, 3, H, W)");
}

// The split pooling crops each path's output to the common size about its centre before concatenating; the
// joint pooling pools the concatenation.
TEST_F(TwinConvTest, SplitPoolCropsAndConcatenates) {
  torch::NoGradGuard no_grad;
  SplitPool split(torch::nn::Sequential(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2))),
                  torch::nn::Sequential(torch::nn::ReLU()));
  const torch::Tensor free = torch::rand({2, 3, 55, 55}), wavelet = torch::randn({2, 4, 28, 28});
  const torch::Tensor y = split(TwinOutput{free, wavelet});
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 7, 27, 27}));
  EXPECT_TRUE(torch::equal(y.narrow(1, 3, 4), torch::relu(wavelet).narrow(2, 0, 27).narrow(3, 0, 27)));
  SplitPool joint{torch::nn::Sequential(torch::nn::ReLU())};
  EXPECT_TRUE(torch::equal(joint(TwinOutput{free, free}), torch::cat({free, free}, 1)));
  EXPECT_THROW_WITH(joint(TwinOutput{free, wavelet}), "cannot share a pooling");
  EXPECT_THROW_WITH(center_crop_maps(wavelet, 30, 20), "expected maps at least that large");
  std::ostringstream printed;
  split->pretty_print(printed);
  joint->pretty_print(printed << " ");
  EXPECT_EQ(printed.str(), "wavetwin::layers::SplitPool(free and wavelet apart) wavetwin::layers::SplitPool(joint)");
}

TEST_F(TwinConvTest, PrettyPrintNamesTheLayout) {
  std::ostringstream printed;
  TwinConv(TwinConvOptions::resnet())->pretty_print(printed);
  TwinConv(TwinConvOptions::alexnet().pooling(TwinPooling::kCMod).mix_bias(false))->pretty_print(printed << "\n");
  EXPECT_EQ(printed.str(),
            "wavetwin::layers::TwinConv(in=3, free=40x7x7, wavelet=24 from 16 packets, J=2, stride=2, RMax)\n"
            "wavetwin::layers::TwinConv(in=3, free=32x11x11, wavelet=32 from 94 packets, J=3, stride=4, CMod)");
}

}  // namespace
}  // namespace wavetwin::layers
