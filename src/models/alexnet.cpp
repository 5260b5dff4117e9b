// src/models/alexnet.cpp: the AlexNet family.
#include "wavetwin/models/alexnet.h"

#include <torch/torch.h>

#include "wavetwin/layers/aps.h"
#include "wavetwin/layers/bias.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/conv2d.h"
#include "wavetwin/layers/modulus.h"

namespace wavetwin::models {
namespace {

namespace nn = torch::nn;

// APS models pad every convolution and pooling circularly, which makes them shift-equivariant up to the
// classifier.
bool circular(const ModelSpec& spec) { return spec.antialias == Antialias::kAps; }

layers::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t padding, const ModelSpec& spec) {
  auto options = nn::Conv2dOptions(in, out, k).stride(stride).padding(padding);
  if (circular(spec)) options.padding_mode(torch::kCircular);
  return layers::Conv2d(options);
}

// MaxPool(3, stride); for APS models, circular padding by 1 then MaxPool(3, 1) (no shrinking, so circular
// shifts commute with it).
void push_max_pool(nn::Sequential& s, int64_t stride, const ModelSpec& spec) {
  if (circular(spec)) s->push_back(layers::circular_padding(1));
  s->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride)));
}

// Zhang's blur or APS of the given stride.
void push_antialias(nn::Sequential& s, int64_t channels, int64_t stride, const ModelSpec& spec) {
  if (spec.antialias == Antialias::kAps) {
    s->push_back(layers::Aps(
        layers::ApsOptions(channels).filter_size(spec.blur_size).stride(stride).norm(spec.aps_norm)));
  } else {
    s->push_back(layers::BlurPool(layers::BlurPoolOptions(channels).filter_size(spec.blur_size).stride(stride)));
  }
}

// The pooling after the first convolution: ReLU, MaxPool(3, 2); or Zhang's ReLU, blur, MaxPool(3, 1), blur
// (APS: APS for the blurs, of stride `first_stride` for the first, the first convolution's stride moved there).
nn::Sequential first_pooling(int64_t channels, const ModelSpec& spec, int64_t first_stride = 2) {
  nn::Sequential s;
  s->push_back(nn::ReLU());
  if (spec.antialias == Antialias::kNone) {
    push_max_pool(s, 2, spec);
    return s;
  }
  push_antialias(s, channels, first_stride, spec);
  push_max_pool(s, 1, spec);
  push_antialias(s, channels, 2, spec);
  return s;
}

// Everything after the first layer and its pooling: conv2 .. conv5 with their poolings.
void append_features(nn::Sequential& features, const ModelSpec& spec) {
  const bool antialiased = spec.antialias != Antialias::kNone;
  features->push_back(conv(64, 192, 5, 1, 2, spec));
  features->push_back(nn::ReLU());
  push_max_pool(features, antialiased ? 1 : 2, spec);
  if (antialiased) push_antialias(features, 192, 2, spec);
  features->push_back(conv(192, 384, 3, 1, 1, spec));
  features->push_back(nn::ReLU());
  features->push_back(conv(384, 256, 3, 1, 1, spec));
  features->push_back(nn::ReLU());
  features->push_back(conv(256, 256, 3, 1, 1, spec));
  features->push_back(nn::ReLU());
  push_max_pool(features, antialiased ? 1 : 2, spec);
  if (antialiased) push_antialias(features, 256, 2, spec);
}

}  // namespace

AlexNet::AlexNet(const ModelSpec& spec) : Model(spec) {
  // Zhang's and APS's twins keep a stride of 2 in the first layer (then a stride 2 of the pooling).
  const bool antialiased = spec.antialias != Antialias::kNone;
  features_ = nn::Sequential();
  if (spec.first_layer == FirstLayer::kTwin) {
    const bool cmod = spec.wavelet_pooling == WaveletPooling::kCMod;
    twin_ = register_module("twin", layers::TwinConv(layers::TwinConvOptions::alexnet(antialiased ? 2 : 4)
                                                         .in_channels(spec.in_channels)
                                                         .mix_bias(!cmod)
                                                         .pooling(cmod ? layers::TwinPooling::kCMod
                                                                       : layers::TwinPooling::kRMax)));
    if (cmod) {
      pool_ = register_module("pool", layers::SplitPool(first_pooling(32, spec),
                                                        nn::Sequential(layers::Modulus(),
                                                                       layers::Bias(layers::BiasOptions(32)), nn::ReLU())));
    } else {
      pool_ = register_module("pool", layers::SplitPool(first_pooling(64, spec)));
    }
  } else {
    // APS: conv1 at stride 1 ('same' circular padding 5), its stride 4 moved to the first APS.
    if (spec.antialias == Antialias::kAps) {
      features_->push_back(conv(spec.in_channels, 64, 11, 1, 5, spec));
      features_->extend(*first_pooling(64, spec, 4));
    } else {
      features_->push_back(conv(spec.in_channels, 64, 11, antialiased ? 2 : 4, 2, spec));
      features_->extend(*first_pooling(64, spec));
    }
  }
  append_features(features_, spec);
  register_module("features", features_);
  avgpool_ = register_module("avgpool", nn::AdaptiveAvgPool2d(6));
  classifier_ = register_module(
      "classifier", nn::Sequential(nn::Dropout(0.5), nn::Linear(256 * 6 * 6, 4096), nn::ReLU(), nn::Dropout(0.5),
                                   nn::Linear(4096, 4096), nn::ReLU(), nn::Linear(4096, spec.classes)));
}

torch::Tensor AlexNet::forward_traced(const torch::Tensor& x, std::vector<TraceStep>& trace) {
  torch::Tensor y = x;
  if (twin_) {
    const layers::TwinOutput maps = twin_(x);
    trace.push_back({"twin: free", maps.free.sizes().vec()});
    trace.push_back({"twin: wavelet", maps.wavelet.sizes().vec()});
    y = pool_(maps);
    trace.push_back({"pool", y.sizes().vec()});
  }
  size_t i = 0;
  for (auto& module : *features_) {
    y = module.forward(y);
    trace.push_back({"features." + std::to_string(i++) + " " + module.ptr()->name(), y.sizes().vec()});
  }
  y = avgpool_(y).flatten(1);
  trace.push_back({"avgpool", y.sizes().vec()});
  y = classifier_->forward(y);
  trace.push_back({"classifier", y.sizes().vec()});
  return y;
}

torch::Tensor AlexNet::forward(const torch::Tensor& x) {
  torch::Tensor y = twin_ ? pool_(twin_(x)) : x;
  y = features_->forward(y);
  return classifier_->forward(avgpool_(y).flatten(1));
}

}  // namespace wavetwin::models
