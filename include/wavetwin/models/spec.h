// wavetwin/models/spec.h: what a model of the zoo is (reference-system.md 5.1, 5.2), parsed from the
// papers' names (AI, AwyI_mod, Rzh3wyI_abl, R18zo3wyC_mod, ...), from the reference's architecture/config
// strings (dtcwpt_zou_resnet34/Ft40YBf3Ex_mod, DtCwptAlexNet/Ft32Y, resnet18/Std, ...) or from a readable
// form (resnet18 --twin cmod --antialias blur3 --classes 10 --channels 1, resnet18 --aps 3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wavetwin/layers/aps.h"

namespace wavetwin::models {

enum class Architecture { kAlexNet, kResNet };

enum class Antialias {
  kNone,
  kBlur,      ///< Zhang's BlurPool
  kAdaptive,  ///< Zou's adaptive blur pooling (ResNets only)
  kAps,       ///< Chaman and Dokmanic's adaptive polyphase sampling, with circular padding throughout
};

enum class FirstLayer {
  kStandard,
  kTwin,  ///< free convolution next to the DT-CWPT wavelet block
};

/// Pooling of the twin's wavelet channels.
enum class WaveletPooling {
  kRMax,     ///< the same pooling as the free channels
  kCMod,     ///< modulus at twice the stride
  kAblated,  ///< `_abl`: plain max pooling for the wavelet channels, anti-aliasing on the free ones only
};

struct ModelSpec {
  Architecture architecture = Architecture::kResNet;
  int64_t depth = 18;  ///< 18, 34, 50, 101 for ResNets; 0 for AlexNet
  Antialias antialias = Antialias::kNone;
  int64_t blur_size = 3;  ///< filter size of the (adaptive) blur pooling or of APS's low-pass, 1..7
  layers::ApsNorm aps_norm = layers::ApsNorm::kL2;  ///< APS's selection norm
  FirstLayer first_layer = FirstLayer::kStandard;
  WaveletPooling wavelet_pooling = WaveletPooling::kRMax;
  int64_t classes = 1000;
  int64_t in_channels = 3;

  /// The readable form, e.g. "resnet18 --twin cmod --antialias blur3 --classes 10", "resnet18 --aps 3 --classes 10".
  std::string readable() const;
  /// The papers' name when the spec has one (A..., R..., R18..., R34...; ImageNet = 1000 classes and CIFAR-10 =
  /// 10 classes, RGB; APS with the l2 norm as apsK, e.g. R18aps3C, R18aps3wyC_mod), else "".
  std::string paper_name() const;
  /// Throws wavetwin::Error when the combination does not exist, saying what does.
  void validate() const;
  bool operator==(const ModelSpec& other) const = default;
};

/// Parses a papers' name, an "ARCH/CONFIG" string of the reference or the readable form; throws
/// wavetwin::Error listing the valid forms otherwise.
ModelSpec parse_model_spec(const std::string& text);

/// The 35 named models of the papers (reference-system.md 5.6), in the papers' order.
const std::vector<std::string>& paper_model_names();

}  // namespace wavetwin::models
