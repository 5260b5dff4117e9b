// src/models/alexnet.cpp: the AlexNet family.
#include "wavetwin/models/alexnet.h"

#include <torch/torch.h>

#include "wavetwin/layers/bias.h"
#include "wavetwin/layers/blurpool.h"
#include "wavetwin/layers/conv2d.h"
#include "wavetwin/layers/modulus.h"

namespace wavetwin::models {
namespace {

namespace nn = torch::nn;

layers::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t padding) {
  return layers::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(padding));
}

nn::MaxPool2d max_pool(int64_t stride) { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(stride)); }

layers::BlurPool blur(int64_t channels, int64_t size) {
  return layers::BlurPool(layers::BlurPoolOptions(channels).filter_size(size));
}

// The pooling after the first convolution: ReLU, MaxPool(3, 2); or Zhang's ReLU, blur, MaxPool(3, 1), blur.
nn::Sequential first_pooling(int64_t channels, const ModelSpec& spec) {
  if (spec.antialias == Antialias::kNone) return nn::Sequential(nn::ReLU(), max_pool(2));
  return nn::Sequential(nn::ReLU(), blur(channels, spec.blur_size), max_pool(1), blur(channels, spec.blur_size));
}

// Everything after the first layer and its pooling: conv2 .. conv5 with their poolings.
void append_features(nn::Sequential& features, const ModelSpec& spec) {
  const bool zhang = spec.antialias == Antialias::kBlur;
  features->push_back(conv(64, 192, 5, 1, 2));
  features->push_back(nn::ReLU());
  features->push_back(max_pool(zhang ? 1 : 2));
  if (zhang) features->push_back(blur(192, spec.blur_size));
  features->push_back(conv(192, 384, 3, 1, 1));
  features->push_back(nn::ReLU());
  features->push_back(conv(384, 256, 3, 1, 1));
  features->push_back(nn::ReLU());
  features->push_back(conv(256, 256, 3, 1, 1));
  features->push_back(nn::ReLU());
  features->push_back(max_pool(zhang ? 1 : 2));
  if (zhang) features->push_back(blur(256, spec.blur_size));
}

}  // namespace

AlexNet::AlexNet(const ModelSpec& spec) : Model(spec) {
  const bool zhang = spec.antialias == Antialias::kBlur;
  features_ = nn::Sequential();
  if (spec.first_layer == FirstLayer::kTwin) {
    const bool cmod = spec.wavelet_pooling == WaveletPooling::kCMod;
    twin_ = register_module("twin", layers::TwinConv(layers::TwinConvOptions::alexnet(zhang ? 2 : 4)
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
    features_->push_back(conv(spec.in_channels, 64, 11, zhang ? 2 : 4, 2));
    features_->extend(*first_pooling(64, spec));
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
