// src/models/resnet.cpp: the ResNet family.
#include "wavetwin/models/resnet.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/layers/adaptive_blurpool.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/bn0.h"
#include "wavetwin/layers/modulus.h"

namespace wavetwin::models {
namespace {

namespace nn = torch::nn;

layers::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride) {
  return layers::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
}

// Appends Zhang's blur or Zou's adaptive blur of stride 2 (adaptive: `groups` channel groups).
void push_antialias(nn::Sequential& s, int64_t channels, const ModelSpec& spec, int64_t groups = 8) {
  if (spec.antialias == Antialias::kBlur) {
    s->push_back(layers::BlurPool(layers::BlurPoolOptions(channels).filter_size(spec.blur_size)));
  } else {
    s->push_back(layers::AdaptiveBlurPool(
        layers::AdaptiveBlurPoolOptions(channels).kernel_size(spec.blur_size).groups(groups)));
  }
}

nn::MaxPool2d max_pool(int64_t stride) { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride).padding(1)); }

// The stem's pooling after BN and ReLU: MaxPool(3, 2, 1), or MaxPool(3, 1, 1) then an anti-aliased stride 2
// (Zhang's kernel 2 corrected to 3, as wcnn; Zou's adaptive blur has channels / 8 groups in a twin's pooling).
nn::Sequential stem_pooling(int64_t channels, const ModelSpec& spec, bool with_bn_relu) {
  nn::Sequential s;
  if (with_bn_relu) {
    s->push_back(layers::BatchNorm2d(channels));
    s->push_back(nn::ReLU());
  }
  if (spec.antialias == Antialias::kNone) {
    s->push_back(max_pool(2));
  } else {
    s->push_back(max_pool(1));
    push_antialias(s, channels, spec, channels / 8);
  }
  return s;
}

}  // namespace

ResidualBlockImpl::ResidualBlockImpl(bool bottleneck, int64_t inplanes, int64_t planes, int64_t stride,
                                     const ModelSpec& spec)
    : bottleneck_(bottleneck), inplanes_(inplanes), planes_(planes), stride_(stride) {
  const bool aa = spec.antialias != Antialias::kNone && stride > 1;
  const int64_t out = planes * (bottleneck ? 4 : 1);
  // The strided convolution runs at stride 1 and an anti-aliasing stride 2 comes before the next one.
  const auto strided = [&](layers::Conv2d next, const std::string& name) -> layers::Conv2d {
    if (!aa) return register_module(name, next);
    blurred_ = nn::Sequential();
    push_antialias(blurred_, next->options.in_channels(), spec);
    blurred_->push_back(next);
    register_module(name, blurred_);
    return next;
  };
  if (bottleneck) {
    conv1_ = register_module("conv1", conv(inplanes, planes, 1, 1));
    bn1_ = register_module("bn1", layers::BatchNorm2d(planes));
    conv2_ = register_module("conv2", conv(planes, planes, 3, aa ? 1 : stride));
    bn2_ = register_module("bn2", layers::BatchNorm2d(planes));
    conv3_ = strided(conv(planes, out, 1, 1), "conv3");
    bn3_ = register_module("bn3", layers::BatchNorm2d(out));
  } else {
    conv1_ = register_module("conv1", conv(inplanes, planes, 3, aa ? 1 : stride));
    bn1_ = register_module("bn1", layers::BatchNorm2d(planes));
    conv2_ = strided(conv(planes, planes, 3, 1), "conv2");
    bn2_ = register_module("bn2", layers::BatchNorm2d(planes));
  }
  if (stride != 1 || inplanes != out) {
    downsample_ = nn::Sequential();
    if (aa) push_antialias(downsample_, inplanes, spec);
    downsample_->push_back(conv(inplanes, out, 1, aa ? 1 : stride));
    downsample_->push_back(layers::BatchNorm2d(out));
    register_module("downsample", downsample_);
  }
}

void ResidualBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::models::ResidualBlock(" << (bottleneck_ ? "bottleneck" : "basic") << ", " << inplanes_ << " -> "
         << planes_ * (bottleneck_ ? 4 : 1) << ", stride=" << stride_ << ")";
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  // The blurred convolution is the block's last-but-BN one: conv3 of a Bottleneck, conv2 of a BasicBlock.
  const auto last = [&](layers::Conv2d& c, const torch::Tensor& t) { return blurred_ ? blurred_->forward(t) : c(t); };
  torch::Tensor y = torch::relu(bn1_(conv1_(x)));
  if (bottleneck_) {
    y = torch::relu(bn2_(conv2_(y)));
    y = bn3_(last(conv3_, y));
  } else {
    y = bn2_(last(conv2_, y));
  }
  return torch::relu(y + (downsample_ ? downsample_->forward(x) : x));
}

ResNet::ResNet(const ModelSpec& spec) : Model(spec) {
  const bool bottleneck = spec.depth >= 50;
  const std::vector<int64_t> blocks = spec.depth == 18   ? std::vector<int64_t>{2, 2, 2, 2}
                                      : spec.depth == 101 ? std::vector<int64_t>{3, 4, 23, 3}
                                                          : std::vector<int64_t>{3, 4, 6, 3};
  if (spec.first_layer == FirstLayer::kTwin) {
    const bool cmod = spec.wavelet_pooling == WaveletPooling::kCMod;
    twin_ = register_module("conv1", layers::TwinConv(layers::TwinConvOptions::resnet()
                                                          .in_channels(spec.in_channels)
                                                          .pooling(cmod ? layers::TwinPooling::kCMod
                                                                        : layers::TwinPooling::kRMax)));
    const int64_t free = twin_->options.free_channels(), wavelet = twin_->wavelet_channels();
    if (spec.wavelet_pooling == WaveletPooling::kRMax) {
      split_pool_ = layers::SplitPool(stem_pooling(free + wavelet, spec, true));
    } else if (cmod) {
      split_pool_ = layers::SplitPool(stem_pooling(free, spec, true),
                                      nn::Sequential(layers::Modulus(), layers::BN0(layers::BN0Options(wavelet)), nn::ReLU()));
    } else {
      ModelSpec plain = spec;
      plain.antialias = Antialias::kNone;
      split_pool_ = layers::SplitPool(stem_pooling(free, spec, true), stem_pooling(wavelet, plain, true));
    }
    register_module("maxpool", split_pool_);
  } else {
    conv1_ = register_module("conv1", conv(spec.in_channels, 64, 7, 2));
    bn1_ = register_module("bn1", layers::BatchNorm2d(64));
    if (spec.antialias == Antialias::kNone) {
      maxpool_ = register_module("maxpool", max_pool(2));
    } else {
      maxpool_blur_ = register_module("maxpool", stem_pooling(64, spec, false));
    }
  }
  int64_t inplanes = 64;
  for (size_t s = 0; s < 4; ++s) {
    const int64_t planes = int64_t{64} << s;
    nn::Sequential stage;
    for (int64_t b = 0; b < blocks[s]; ++b) {
      stage->push_back(ResidualBlock(bottleneck, inplanes, planes, b == 0 && s > 0 ? 2 : 1, spec));
      inplanes = planes * (bottleneck ? 4 : 1);
    }
    stages_.push_back(register_module("layer" + std::to_string(s + 1), stage));
  }
  fc_ = register_module("fc", nn::Linear(inplanes, spec.classes));

  // torchvision's initialisation; the twin layer keeps PyTorch's defaults (it is built after this loop in
  // the reference).
  for (const auto& item : named_modules("", /*include_self=*/false)) {
    if (twin_ && item.key().rfind("conv1", 0) == 0) continue;
    if (auto* c = item.value()->as<layers::Conv2d>()) {
      nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* b = item.value()->as<layers::BatchNorm2d>()) {
      nn::init::ones_(b->weight);
      nn::init::zeros_(b->bias);
    }
  }
}

torch::Tensor ResNet::stem(const torch::Tensor& x, std::vector<TraceStep>* trace) {
  if (twin_) {
    const layers::TwinOutput maps = twin_(x);
    if (trace) {
      trace->push_back({"conv1 (twin): free", maps.free.sizes().vec()});
      trace->push_back({"conv1 (twin): wavelet", maps.wavelet.sizes().vec()});
    }
    return split_pool_(maps);
  }
  const torch::Tensor y = torch::relu(bn1_(conv1_(x)));
  if (trace) trace->push_back({"conv1", y.sizes().vec()});
  return maxpool_ ? maxpool_(y) : maxpool_blur_->forward(y);
}

torch::Tensor ResNet::forward_traced(const torch::Tensor& x, std::vector<TraceStep>& trace) {
  torch::Tensor y = stem(x, &trace);
  trace.push_back({"maxpool", y.sizes().vec()});
  for (size_t s = 0; s < stages_.size(); ++s) {
    y = stages_[s]->forward(y);
    trace.push_back({"layer" + std::to_string(s + 1), y.sizes().vec()});
  }
  y = torch::adaptive_avg_pool2d(y, {1, 1}).flatten(1);
  trace.push_back({"avgpool", y.sizes().vec()});
  y = fc_(y);
  trace.push_back({"fc", y.sizes().vec()});
  return y;
}

torch::Tensor ResNet::forward(const torch::Tensor& x) {
  torch::Tensor y = stem(x, nullptr);
  for (auto& stage : stages_) y = stage->forward(y);
  return fc_(torch::adaptive_avg_pool2d(y, {1, 1}).flatten(1));
}

}  // namespace wavetwin::models
