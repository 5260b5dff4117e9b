// src/models/spec.cpp: model specifications and their names.
#include "wavetwin/models/spec.h"

#include <regex>
#include <sstream>

#include "wavetwin/error.h"

namespace wavetwin::models {
namespace {

const char* kForms =
    "expected a papers' name (AI, AwyI_mod, Azh3wyI, RI, Rzh3wyI_abl, Rzo3wyI_mod, R18C, R34zo3wyC_mod, "
    "R18aps3C, ...), "
    "an ARCH/CONFIG string (resnet34/Std, dtcwpt_zhang_resnet34/Ft40YBf3Ex_mod, DtCwptAlexNet/Ft32Y_mod, ...) "
    "or the readable form 'alexnet|resnet18|resnet34|resnet50|resnet101 [--twin rmax|cmod|ablated] "
    "[--antialias none|blurK|adaptiveK|apsK] [--aps K] [--aps-norm l2|l1|linf] [--classes N] [--channels 1|3]'";

int64_t to_int(const std::string& text, const std::string& what) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  WAVETWIN_FAIL("model spec: ", what, " '", text, "'; expected an integer");
}

// Papers' names: A or R (ResNet-34) for ImageNet, R18 / R34 for CIFAR-10; zhK / zoK anti-aliasing (apsK:
// APS, in the same style); wy twin; I or C; _mod or _abl.
bool parse_paper_name(const std::string& text, ModelSpec& spec) {
  static const std::regex pattern(R"(^(A|R|R18|R34|R50|R101)(?:(zh|zo|aps)([0-9]))?(wy)?(I|C)(_mod|_abl)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return false;
  spec = ModelSpec();
  const std::string arch = m[1];
  spec.architecture = arch == "A" ? Architecture::kAlexNet : Architecture::kResNet;
  spec.depth = arch == "A" ? 0 : (arch == "R" ? 34 : std::stoll(arch.substr(1)));
  if (m[2].matched) {
    spec.antialias = m[2] == "zh" ? Antialias::kBlur : m[2] == "zo" ? Antialias::kAdaptive : Antialias::kAps;
    spec.blur_size = std::stoll(m[3]);
  }
  if (m[4].matched) spec.first_layer = FirstLayer::kTwin;
  spec.classes = m[5] == "I" ? 1000 : 10;
  if (m[6].matched) {
    WAVETWIN_CHECK(spec.first_layer == FirstLayer::kTwin, "model spec '", text, "': ", m[6].str(),
                   " applies to twins (wy) only");
    spec.wavelet_pooling = m[6] == "_mod" ? WaveletPooling::kCMod : WaveletPooling::kAblated;
  }
  return true;
}

// The reference's ARCH/CONFIG: ARCH in AlexNet, ZhangAlexNet, DtCwptAlexNet, DtCwptZhangAlexNet,
// [dtcwpt_][zhang_|zou_]resnetD; CONFIG Std, BfK, Ft32Y[BfK][_mod], Ft40Y[BfK]Ex[_mod|_abl2].
bool parse_arch_config(const std::string& text, ModelSpec& spec) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  const std::string arch = text.substr(0, slash), config = text.substr(slash + 1);
  static const std::regex alexnet(R"(^(DtCwpt)?(Zhang)?AlexNet$)");
  static const std::regex resnet(R"(^(dtcwpt_)?(zhang_|zou_)?resnet([0-9]+)$)");
  static const std::regex configs(R"(^(?:Std|Ft(32|40)(Y)?)?(?:Bf([0-9]))?(Ex)?(_mod|_abl2)?$)");
  std::smatch a, c;
  spec = ModelSpec();
  bool twin = false, blurred = false;
  if (std::regex_match(arch, a, alexnet)) {
    spec.architecture = Architecture::kAlexNet;
    spec.depth = 0;
    twin = a[1].matched;
    blurred = a[2].matched;
    if (blurred) spec.antialias = Antialias::kBlur;
  } else if (std::regex_match(arch, a, resnet)) {
    spec.architecture = Architecture::kResNet;
    spec.depth = to_int(a[3], "depth");
    twin = a[1].matched;
    blurred = a[2].matched;
    if (blurred) spec.antialias = a[2] == "zhang_" ? Antialias::kBlur : Antialias::kAdaptive;
  } else {
    WAVETWIN_FAIL("model spec '", text, "': unknown architecture '", arch,
                  "'; expected AlexNet, ZhangAlexNet, DtCwptAlexNet, DtCwptZhangAlexNet or "
                  "[dtcwpt_][zhang_|zou_]resnet18|34|50|101");
  }
  WAVETWIN_CHECK(std::regex_match(config, c, configs) && config != "", "model spec '", text, "': unknown config '",
                 config, "'; expected Std, BfK, Ft32Y[BfK][_mod] (AlexNet) or Ft40Y[BfK]Ex[_mod|_abl2] (ResNet)");
  const bool twin_config = c[1].matched;
  WAVETWIN_CHECK(twin == twin_config, "model spec '", text, "': ",
                 twin ? "a DtCwpt architecture needs an Ft... config" : "an Ft... config needs a DtCwpt architecture");
  WAVETWIN_CHECK(!c[3].matched || blurred, "model spec '", text,
                 "': a BfK config needs a Zhang or Zou architecture");
  if (c[3].matched) spec.blur_size = std::stoll(c[3]);
  if (twin) {
    spec.first_layer = FirstLayer::kTwin;
    const bool alex = spec.architecture == Architecture::kAlexNet;
    WAVETWIN_CHECK(c[1] == (alex ? "32" : "40") && c[2].matched && (alex != c[4].matched), "model spec '", text,
                   "': expected config ", alex ? "Ft32Y[BfK][_mod]" : "Ft40Y[BfK]Ex[_mod|_abl2]", " for this architecture");
    if (c[5].matched) spec.wavelet_pooling = c[5] == "_mod" ? WaveletPooling::kCMod : WaveletPooling::kAblated;
  } else {
    WAVETWIN_CHECK(!c[5].matched && !c[4].matched, "model spec '", text, "': ", config,
                   " applies to DtCwpt architectures only");
  }
  return true;
}

bool parse_readable(const std::string& text, ModelSpec& spec) {
  std::istringstream words(text);
  std::string word;
  words >> word;
  spec = ModelSpec();
  if (word == "alexnet") {
    spec.architecture = Architecture::kAlexNet;
    spec.depth = 0;
  } else if (word.rfind("resnet", 0) == 0 && word.size() > 6) {
    spec.architecture = Architecture::kResNet;
    spec.depth = to_int(word.substr(6), "ResNet depth");
  } else {
    return false;
  }
  for (std::string option, value; words >> option;) {
    WAVETWIN_CHECK(static_cast<bool>(words >> value), "model spec '", text, "': ", option, " needs a value");
    if (option == "--twin") {
      spec.first_layer = FirstLayer::kTwin;
      if (value == "rmax") {
        spec.wavelet_pooling = WaveletPooling::kRMax;
      } else if (value == "cmod") {
        spec.wavelet_pooling = WaveletPooling::kCMod;
      } else if (value == "ablated") {
        spec.wavelet_pooling = WaveletPooling::kAblated;
      } else {
        WAVETWIN_FAIL("model spec '", text, "': --twin ", value, "; expected rmax, cmod or ablated");
      }
    } else if (option == "--antialias") {
      if (value == "none") {
        spec.antialias = Antialias::kNone;
      } else if (value.rfind("blur", 0) == 0) {
        spec.antialias = Antialias::kBlur;
        spec.blur_size = to_int(value.substr(4), "blur size");
      } else if (value.rfind("adaptive", 0) == 0) {
        spec.antialias = Antialias::kAdaptive;
        spec.blur_size = to_int(value.substr(8), "adaptive blur size");
      } else if (value.rfind("aps", 0) == 0) {
        spec.antialias = Antialias::kAps;
        spec.blur_size = to_int(value.substr(3), "APS filter size");
      } else {
        WAVETWIN_FAIL("model spec '", text, "': --antialias ", value, "; expected none, blurK, adaptiveK or apsK");
      }
    } else if (option == "--aps") {
      spec.antialias = Antialias::kAps;
      spec.blur_size = to_int(value, "--aps filter size");
    } else if (option == "--aps-norm") {
      spec.aps_norm = layers::parse_aps_norm(value);
    } else if (option == "--classes") {
      spec.classes = to_int(value, "--classes");
    } else if (option == "--channels") {
      spec.in_channels = to_int(value, "--channels");
    } else {
      WAVETWIN_FAIL("model spec '", text, "': unknown option ", option,
                    "; expected --twin, --antialias, --aps, --aps-norm, --classes or --channels");
    }
  }
  return true;
}

}  // namespace

void ModelSpec::validate() const {
  const bool alex = architecture == Architecture::kAlexNet;
  WAVETWIN_CHECK(alex || depth == 18 || depth == 34 || depth == 50 || depth == 101, "model spec: ResNet depth ", depth,
                 "; expected 18, 34, 50 or 101");
  WAVETWIN_CHECK(antialias == Antialias::kNone || (blur_size >= 1 && blur_size <= 7), "model spec: ",
                 antialias == Antialias::kAps ? "APS filter" : "blur", " size ", blur_size, "; expected 1 to 7");
  WAVETWIN_CHECK(antialias == Antialias::kAps || aps_norm == layers::ApsNorm::kL2, "model spec: --aps-norm ",
                 layers::aps_norm_name(aps_norm), " without APS; expected --aps K too");
  WAVETWIN_CHECK(!(antialias == Antialias::kAps && aps_norm == layers::ApsNorm::kL1 && blur_size >= 2),
                 "model spec: --aps-norm l1 with an APS filter of size ", blur_size, ": after a ReLU every polyphase "
                 "component has the same l1 norm (a binomial filter's even and odd taps sum alike); expected --aps 1 "
                 "with l1, or the l2 or linf norm");
  WAVETWIN_CHECK(!(antialias == Antialias::kAdaptive && blur_size % 2 == 0), "model spec: adaptive blur size ",
                 blur_size, "; expected an odd size");
  WAVETWIN_CHECK(!(alex && antialias == Antialias::kAdaptive), "model spec: adaptive blur pooling is defined for "
                 "ResNets only; expected none or blurK for AlexNet");
  WAVETWIN_CHECK(!(first_layer == FirstLayer::kTwin && alex && wavelet_pooling == WaveletPooling::kAblated),
                 "model spec: the ablated twin is defined for ResNets only; expected rmax or cmod for AlexNet");
  WAVETWIN_CHECK(!(wavelet_pooling == WaveletPooling::kAblated && antialias == Antialias::kNone), "model spec: the "
                 "ablated twin keeps anti-aliasing on the free channels only; expected --antialias blurK, adaptiveK or apsK");
  WAVETWIN_CHECK(classes >= 1, "model spec: classes=", classes, "; expected >= 1");
  WAVETWIN_CHECK(in_channels == 1 || in_channels == 3, "model spec: ", in_channels, " input channels; expected 1 or 3");
}

std::string ModelSpec::readable() const {
  std::ostringstream out;
  out << (architecture == Architecture::kAlexNet ? std::string("alexnet") : "resnet" + std::to_string(depth));
  if (first_layer == FirstLayer::kTwin) {
    out << " --twin "
        << (wavelet_pooling == WaveletPooling::kRMax ? "rmax" : wavelet_pooling == WaveletPooling::kCMod ? "cmod" : "ablated");
  }
  if (antialias == Antialias::kAps) {
    out << " --aps " << blur_size;
    if (aps_norm != layers::ApsNorm::kL2) out << " --aps-norm " << layers::aps_norm_name(aps_norm);
  } else if (antialias != Antialias::kNone) {
    out << " --antialias " << (antialias == Antialias::kBlur ? "blur" : "adaptive") << blur_size;
  }
  out << " --classes " << classes;
  if (in_channels != 3) out << " --channels " << in_channels;
  return out.str();
}

std::string ModelSpec::paper_name() const {
  if (in_channels != 3 || (classes != 1000 && classes != 10) || aps_norm != layers::ApsNorm::kL2) return "";
  const bool imagenet = classes == 1000;
  std::string name;
  if (architecture == Architecture::kAlexNet) {
    if (!imagenet) return "";
    name = "A";
  } else if (imagenet) {
    if (depth != 34) return "";
    name = "R";
  } else {
    if (depth != 18 && depth != 34) return "";
    name = "R" + std::to_string(depth);
  }
  if (antialias != Antialias::kNone) {
    name += (antialias == Antialias::kBlur ? "zh" : antialias == Antialias::kAdaptive ? "zo" : "aps") +
            std::to_string(blur_size);
  }
  if (first_layer == FirstLayer::kTwin) name += "wy";
  name += imagenet ? "I" : "C";
  if (first_layer == FirstLayer::kTwin && wavelet_pooling != WaveletPooling::kRMax) {
    name += wavelet_pooling == WaveletPooling::kCMod ? "_mod" : "_abl";
  }
  return name;
}

ModelSpec parse_model_spec(const std::string& text) {
  ModelSpec spec;
  if (!parse_paper_name(text, spec) && !parse_arch_config(text, spec) && !parse_readable(text, spec)) {
    WAVETWIN_FAIL("unknown model '", text, "'; ", kForms);
  }
  spec.validate();
  return spec;
}

const std::vector<std::string>& paper_model_names() {
  static const std::vector<std::string> names = {
      "AI", "AwyI", "AwyI_mod", "Azh3I", "Azh3wyI", "Azh3wyI_mod", "RI", "RwyI", "RwyI_mod", "Rzh3I", "Rzh3wyI",
      "Rzh3wyI_mod", "Rzh3wyI_abl", "Rzo3I", "Rzo3wyI", "Rzo3wyI_mod", "Rzo3wyI_abl", "R18C", "R18wyC",
      "R18wyC_mod", "R18zh3C", "R18zh3wyC", "R18zh3wyC_mod", "R18zo3C", "R18zo3wyC", "R18zo3wyC_mod", "R34C",
      "R34wyC", "R34wyC_mod", "R34zh3C", "R34zh3wyC", "R34zh3wyC_mod", "R34zo3C", "R34zo3wyC", "R34zo3wyC_mod"};
  return names;
}

}  // namespace wavetwin::models
