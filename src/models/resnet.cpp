// src/models/resnet.cpp: the ResNet family.
#include "wavetwin/models/resnet.h"

#include <torch/torch.h>

#include "wavetwin/error.h"
#include "wavetwin/layers/adaptive_blurpool.h"
#include "wavetwin/layers/aps.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/bn0.h"
#include "wavetwin/layers/modulus.h"

namespace wavetwin::models {
namespace {

namespace nn = torch::nn;

// APS models pad every convolution and pooling circularly, which makes them exactly shift-invariant.
bool circular(const ModelSpec& spec) { return spec.antialias == Antialias::kAps; }

layers::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride, const ModelSpec& spec) {
  auto options = nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false);
  if (circular(spec)) options.padding_mode(torch::kCircular);
  return layers::Conv2d(options);
}

// Appends Zhang's blur, Zou's adaptive blur (`groups` channel groups) or APS, of stride 2.
void push_antialias(nn::Sequential& s, int64_t channels, const ModelSpec& spec, int64_t groups = 8) {
  if (spec.antialias == Antialias::kBlur) {
    s->push_back(layers::BlurPool(layers::BlurPoolOptions(channels).filter_size(spec.blur_size)));
  } else if (spec.antialias == Antialias::kAps) {
    s->push_back(layers::Aps(layers::ApsOptions(channels).filter_size(spec.blur_size).norm(spec.aps_norm)));
  } else {
    s->push_back(layers::AdaptiveBlurPool(
        layers::AdaptiveBlurPoolOptions(channels).kernel_size(spec.blur_size).groups(groups)));
  }
}

// MaxPool(3, stride, 1); for APS models the padding is circular (a module of its own).
void push_max_pool(nn::Sequential& s, int64_t stride, const ModelSpec& spec) {
  if (circular(spec)) {
    s->push_back(layers::circular_padding(1));
    s->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride)));
  } else {
    s->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride).padding(1)));
  }
}

// The stem's pooling after BN and ReLU: MaxPool(3, 2, 1), or MaxPool(3, 1, 1) then an anti-aliased stride 2
// (Zhang's kernel 2 corrected to 3, as wcnn; Zou's adaptive blur has channels / 8 groups in a twin's pooling).
nn::Sequential stem_pooling(int64_t channels, const ModelSpec& spec, bool with_bn_relu) {
  nn::Sequential s;
  if (with_bn_relu) {
    s->push_back(layers::BatchNorm2d(channels));
    s->push_back(nn::ReLU());
  }
  if (spec.antialias == Antialias::kNone) {
    push_max_pool(s, 2, spec);
  } else {
    push_max_pool(s, 1, spec);
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
    if (spec.antialias == Antialias::kAps) aps_ = layers::Aps(blurred_->ptr<layers::ApsImpl>(0));
    blurred_->push_back(next);
    register_module(name, blurred_);
    return next;
  };
  if (bottleneck) {
    conv1_ = register_module("conv1", conv(inplanes, planes, 1, 1, spec));
    bn1_ = register_module("bn1", layers::BatchNorm2d(planes));
    conv2_ = register_module("conv2", conv(planes, planes, 3, aa ? 1 : stride, spec));
    bn2_ = register_module("bn2", layers::BatchNorm2d(planes));
    conv3_ = strided(conv(planes, out, 1, 1, spec), "conv3");
    bn3_ = register_module("bn3", layers::BatchNorm2d(out));
  } else {
    conv1_ = register_module("conv1", conv(inplanes, planes, 3, aa ? 1 : stride, spec));
    bn1_ = register_module("bn1", layers::BatchNorm2d(planes));
    conv2_ = strided(conv(planes, planes, 3, 1, spec), "conv2");
    bn2_ = register_module("bn2", layers::BatchNorm2d(planes));
  }
  if (stride != 1 || inplanes != out) {
    downsample_ = nn::Sequential();
    if (aa) push_antialias(downsample_, inplanes, spec);
    if (aa && aps_) shortcut_aps_ = layers::Aps(downsample_->ptr<layers::ApsImpl>(0));
    downsample_->push_back(conv(inplanes, out, 1, aa ? 1 : stride, spec));
    downsample_->push_back(layers::BatchNorm2d(out));
    register_module("downsample", downsample_);
  }
}

void ResidualBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "wavetwin::models::ResidualBlock(" << (bottleneck_ ? "bottleneck" : "basic") << ", " << inplanes_ << " -> "
         << planes_ * (bottleneck_ ? 4 : 1) << ", stride=" << stride_ << ")";
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  // The blurred convolution is the block's last-but-BN one: conv3 of a Bottleneck, conv2 of a BasicBlock. APS
  // chooses its polyphase components there, and the shortcut keeps the same ones (the paper's shortcut).
  torch::Tensor indices;
  const auto last = [&](layers::Conv2d& c, const torch::Tensor& t) {
    if (aps_) {
      layers::ApsOutput down = aps_->forward_indexed(t);
      indices = down.indices;
      return c(down.output);
    }
    return blurred_ ? blurred_->forward(t) : c(t);
  };
  torch::Tensor y = torch::relu(bn1_(conv1_(x)));
  if (bottleneck_) {
    y = torch::relu(bn2_(conv2_(y)));
    y = bn3_(last(conv3_, y));
  } else {
    y = bn2_(last(conv2_, y));
  }
  torch::Tensor shortcut = x;
  if (shortcut_aps_) {
    shortcut = shortcut_aps_->forward_with(x, indices);
    for (auto module = downsample_->begin() + 1; module != downsample_->end(); ++module) shortcut = module->forward(shortcut);
  } else if (downsample_) {
    shortcut = downsample_->forward(x);
  }
  return torch::relu(y + shortcut);
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
    // APS replaces conv1's stride too: conv1 at stride 1, then APS before the max pooling.
    const bool aps = spec.antialias == Antialias::kAps;
    conv1_ = register_module("conv1", conv(spec.in_channels, 64, 7, aps ? 1 : 2, spec));
    bn1_ = register_module("bn1", layers::BatchNorm2d(64));
    if (spec.antialias == Antialias::kNone) {
      maxpool_ = register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
    } else {
      maxpool_blur_ = nn::Sequential();
      if (aps) push_antialias(maxpool_blur_, 64, spec);
      maxpool_blur_->extend(*stem_pooling(64, spec, false));
      register_module("maxpool", maxpool_blur_);
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
